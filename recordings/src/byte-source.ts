import type { ByteSource } from './recording.types';

/** A ByteSource over bytes in memory; `read` returns views, not copies. */
export function byteSourceFromBytes(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => {
      if (offset < 0 || length < 0 || offset + length > bytes.length) {
        throw new RangeError(`read(${offset}, ${length}) outside ${bytes.length} bytes`);
      }
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** Wraps a source and counts reads and bytes read (tests, diagnostics). */
export function countingByteSource(source: ByteSource): ByteSource & { reads: number; bytesRead: number } {
  const counted = {
    size: source.size,
    reads: 0,
    bytesRead: 0,
    read: async (offset: number, length: number) => {
      counted.reads++;
      counted.bytesRead += length;
      return source.read(offset, length);
    },
  };
  return counted;
}
