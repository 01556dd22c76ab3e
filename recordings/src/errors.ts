/** A recording that cannot be read as `.vrec`: bad magic, corrupt header, hash mismatch, torn chunk… */
export class RecordingFormatError extends Error {
  override name = 'RecordingFormatError';
  constructor(
    message: string,
    /** Byte offset of the offending record, when known. */
    readonly offset?: number,
  ) {
    super(message);
  }
}
