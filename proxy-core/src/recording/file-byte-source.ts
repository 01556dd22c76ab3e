import { type FileHandle, open } from 'node:fs/promises';
import type { ByteSource } from '@vigil/recordings';

/** A ByteSource over an open file; `size` is fixed at creation. */
export function fileHandleByteSource(handle: FileHandle, size: number): ByteSource {
  return {
    size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new RangeError(`read(${offset}, ${length}) outside ${size} bytes`);
      }
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`file shrank while reading at ${offset + done}`);
        done += bytesRead;
      }
      return out;
    },
  };
}

/** Opens `path` read-only as a ByteSource; close it when done. */
export async function openFileByteSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return { ...fileHandleByteSource(handle, size), close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
