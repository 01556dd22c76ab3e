import { bytesEqual } from './bytes';
import { chunkHash, type ParsedChunkFixed } from './chunk-record';
import { CHUNK } from './format';
import { type DecodedChunk, decodeFrames } from './frame-decoder';
import type { Sha256 } from './hash';
import type { ByteSource, ChunkIndexEntry, Decompressor } from './recording.types';

export interface ChunkExpectation {
  seq: number;
  firstFrame: number;
  /** The previous chunk's last time: chunks never go back in time. */
  notBeforeTUs: number;
}

export interface ChunkCheck {
  /** Hash computed from the previous hash and the record bytes. */
  hash: Uint8Array;
  problems: string[];
  decoded: DecodedChunk | undefined;
}

/** Everything that can be checked about one chunk: chain hash, numbering, decompression, frames. */
export async function checkChunk(
  source: ByteSource,
  { entry, fixed }: { entry: ChunkIndexEntry; fixed: ParsedChunkFixed },
  previousHash: Uint8Array,
  expect: ChunkExpectation,
  codecs: { decompressor: Decompressor; sha256: Sha256 },
): Promise<ChunkCheck> {
  const bytes = await source.read(entry.offset, entry.length);
  const hash = chunkHash(previousHash, bytes, codecs.sha256);
  const problems: string[] = [];
  if (!bytesEqual(hash, fixed.hash)) problems.push('hash mismatch (chain broken)');
  if (fixed.seq !== expect.seq) {
    problems.push(`sequence number ${fixed.seq}, expected ${expect.seq} (chunks reordered, dropped or duplicated)`);
  }
  if (fixed.firstFrame !== expect.firstFrame) {
    problems.push(`first frame ${fixed.firstFrame}, expected ${expect.firstFrame}`);
  }
  if (fixed.firstTUs < expect.notBeforeTUs)
    problems.push(`starts at ${fixed.firstTUs} µs, before the previous chunk ends`);
  let raw: Uint8Array;
  try {
    raw = codecs.decompressor.decompress(bytes.subarray(CHUNK.fixedSize), fixed.rawLength);
  } catch (err) {
    problems.push(`decompression failed: ${(err as Error).message}`);
    return { hash, problems, decoded: undefined };
  }
  let decoded: DecodedChunk;
  try {
    decoded = decodeFrames(raw, fixed.firstFrame, fixed.firstTUs);
  } catch (err) {
    problems.push(`frames malformed: ${(err as Error).message}`);
    return { hash, problems, decoded: undefined };
  }
  if (decoded.frames.length !== fixed.frameCount) {
    problems.push(`holds ${decoded.frames.length} frames, header says ${fixed.frameCount}`);
  }
  if (decoded.lastTUs !== fixed.lastTUs)
    problems.push(`last frame at ${decoded.lastTUs} µs, header says ${fixed.lastTUs}`);
  return { hash, problems, decoded };
}
