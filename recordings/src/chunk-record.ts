import { readU64, toHex, viewOf, writeU64 } from './bytes';
import { crc32 } from './crc32';
import { CHUNK, Codec, HASH_SIZE, RecordType } from './format';
import { nobleSha256, type Sha256 } from './hash';
import type { ChunkIndexEntry } from './recording.types';

/** The metadata in a chunk record's fixed part. */
export interface ChunkMeta {
  seq: number;
  firstFrame: number;
  frameCount: number;
  rawLength: number;
  firstTUs: number;
  lastTUs: number;
}

/**
 * Builds a chunk record. Its chain hash is SHA-256(previousHash ‖ fixed part bytes [0, 44) ‖ payload):
 * every metadata field is hashed, so renumbering or reordering chunks breaks the chain. @see FORMAT.md §3
 */
export function encodeChunkRecord(
  meta: ChunkMeta,
  payload: Uint8Array,
  previousHash: Uint8Array,
  sha256: Sha256 = nobleSha256,
): { bytes: Uint8Array; hash: Uint8Array } {
  const bytes = new Uint8Array(CHUNK.fixedSize + payload.length);
  const view = viewOf(bytes);
  bytes[0] = RecordType.chunk;
  bytes[CHUNK.codec] = Codec.zstd;
  view.setUint32(CHUNK.seq, meta.seq, true);
  writeU64(view, CHUNK.firstFrame, meta.firstFrame);
  view.setUint32(CHUNK.frameCount, meta.frameCount, true);
  view.setUint32(CHUNK.rawLength, meta.rawLength, true);
  writeU64(view, CHUNK.firstTUs, meta.firstTUs);
  writeU64(view, CHUNK.lastTUs, meta.lastTUs);
  view.setUint32(CHUNK.compressedLength, payload.length, true);
  bytes.set(payload, CHUNK.fixedSize);
  const hash = chunkHash(previousHash, bytes, sha256);
  bytes.set(hash, CHUNK.hash);
  view.setUint32(CHUNK.crc, crc32(bytes.subarray(0, CHUNK.crc)), true);
  return { bytes, hash };
}

/** The chain hash a chunk record should carry, given the previous hash. */
export function chunkHash(previousHash: Uint8Array, record: Uint8Array, sha256: Sha256 = nobleSha256): Uint8Array {
  return sha256([previousHash, record.subarray(0, CHUNK.hash), record.subarray(CHUNK.fixedSize)]);
}

export interface ParsedChunkFixed extends ChunkMeta {
  compressedLength: number;
  /** The hash stored in the record (not yet checked against the chain). */
  hash: Uint8Array;
}

/** Decodes and checks the 80-byte fixed part; returns an error message when it is corrupt. */
export function parseChunkFixed(fixed: Uint8Array): ParsedChunkFixed | string {
  if (fixed.length < CHUNK.fixedSize) return 'chunk record header truncated';
  if (fixed[0] !== RecordType.chunk) return `not a chunk record (type 0x${toHex(fixed.subarray(0, 1))})`;
  const view = viewOf(fixed);
  if (view.getUint32(CHUNK.crc, true) !== crc32(fixed.subarray(0, CHUNK.crc))) return 'record header checksum mismatch';
  if (fixed[CHUNK.codec] !== Codec.zstd) return `unknown codec ${fixed[CHUNK.codec]}`;
  if (fixed[2] !== 0 || fixed[3] !== 0) return 'reserved bytes are not zero';
  const meta: ParsedChunkFixed = {
    seq: view.getUint32(CHUNK.seq, true),
    firstFrame: readU64(view, CHUNK.firstFrame),
    frameCount: view.getUint32(CHUNK.frameCount, true),
    rawLength: view.getUint32(CHUNK.rawLength, true),
    firstTUs: readU64(view, CHUNK.firstTUs),
    lastTUs: readU64(view, CHUNK.lastTUs),
    compressedLength: view.getUint32(CHUNK.compressedLength, true),
    hash: fixed.slice(CHUNK.hash, CHUNK.hash + HASH_SIZE),
  };
  if (meta.firstFrame < 0 || meta.firstTUs < 0 || meta.lastTUs < 0) return 'value out of range';
  if (meta.frameCount === 0) return 'chunk has no frames';
  if (meta.lastTUs < meta.firstTUs) return 'last timestamp before first timestamp';
  if (meta.rawLength > CHUNK.maxRawLength) return `raw length ${meta.rawLength} exceeds 64 MiB`;
  if (meta.compressedLength > CHUNK.maxCompressedLength) return `compressed length exceeds 64 MiB`;
  return meta;
}

export function toIndexEntry(meta: ParsedChunkFixed, offset: number): ChunkIndexEntry {
  return {
    seq: meta.seq,
    firstFrame: meta.firstFrame,
    frameCount: meta.frameCount,
    firstTUs: meta.firstTUs,
    lastTUs: meta.lastTUs,
    offset,
    length: CHUNK.fixedSize + meta.compressedLength,
    rawLength: meta.rawLength,
    hash: toHex(meta.hash),
  };
}
