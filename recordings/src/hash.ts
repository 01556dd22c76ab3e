import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from './bytes';

export function sha256Bytes(data: Uint8Array): Uint8Array {
  return sha256(data);
}

export function sha256Hex(data: Uint8Array | string): string {
  return toHex(sha256(typeof data === 'string' ? new TextEncoder().encode(data) : data));
}

/**
 * SHA-256 over the concatenation of `parts`. Injectable because chunk hashing is on the recording hot
 * path: noble's pure-JS SHA-256 (~100 MB/s) works everywhere, Node's native one is ~15× faster.
 */
export type Sha256 = (parts: readonly Uint8Array[]) => Uint8Array;

export const nobleSha256: Sha256 = (parts) => {
  const h = sha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
};
