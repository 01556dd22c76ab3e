import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw, createInflateRaw } from 'node:zlib';
import type { Crc32Update, DeflateTransform, HashFactory, InflateTransform } from '@vigil/recordings';

/** node:crypto SHA-256 in the shape the packet writer and verifier take (about 15× @noble's speed). */
export const nodeHash: HashFactory = () => {
  const h = createHash('sha256');
  return { update: (data: Uint8Array) => h.update(data), digest: () => h.digest() };
};

/** zlib's native CRC-32 (Node ≥ 20.15). */
export const nodeCrc32: Crc32Update = (data, previous) => crc32(data, previous);

/** Raw deflate through zlib; level 6 is zlib's default, 1 is about 3× faster on capture-like data. */
export function nodeDeflate(level = 6): DeflateTransform {
  return (input) => through(input, createDeflateRaw({ level }));
}

export const nodeInflate: InflateTransform = (input) => through(input, createInflateRaw());

/** Pipes `input` through a zlib stream; an error on either side ends the iteration with that error. */
function through(input: AsyncIterable<Uint8Array>, transform: NodeJS.ReadWriteStream): AsyncIterable<Uint8Array> {
  const done = pipeline(Readable.from(input, { objectMode: false }), transform as unknown as NodeJS.WritableStream);
  done.catch(() => {}); // surfaced through the iteration below
  return (async function* () {
    for await (const chunk of transform as unknown as AsyncIterable<Uint8Array>) yield chunk;
    await done;
  })();
}
