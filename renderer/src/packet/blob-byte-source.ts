import type { ByteSource } from '@vigil/recordings';

/**
 * A ByteSource over a dropped or picked File (any Blob): each read slices just the bytes asked for, so a
 * multi-gigabyte packet is verified and replayed without ever being loaded whole.
 */
export function blobByteSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    async read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new RangeError(`read(${offset}, ${length}): not a byte range`);
      }
      if (offset + length > blob.size) {
        throw new RangeError(`read(${offset}, ${length}) beyond the end of the file (${blob.size} bytes)`);
      }
      const bytes = new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
      if (bytes.length !== length) throw new Error(`read(${offset}, ${length}) returned ${bytes.length} bytes`);
      return bytes;
    },
  };
}
