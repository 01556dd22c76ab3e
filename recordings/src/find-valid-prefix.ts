import { byteSourceFromBytes } from './byte-source';
import { toHex } from './bytes';
import { checkChunk } from './chunk-check';
import { nobleSha256, type Sha256 } from './hash';
import { readHeader, scanRecords } from './record-scanner';
import type { ByteSource, ChunkIndexEntry, Decompressor, RecordingHeader, SealInfo } from './recording.types';
import { sealSignatureValid } from './seal-record';
import { defaultDecompressor } from './zstd';

export interface ValidPrefix {
  /** Bytes of the header plus every whole chunk that checks out; 0 when the header itself is unusable. */
  length: number;
  header: RecordingHeader | undefined;
  headerHash: string;
  headerLength: number;
  chunks: ChunkIndexEntry[];
  frames: number;
  bytesClient: number;
  bytesServer: number;
  /** Time of the last valid frame, µs since the session start. */
  lastTUs: number;
  /** Chain hash at the end of the prefix (the header hash if no chunk survived); '' without a header. */
  lastHash: string;
  /** A seal directly after the prefix; `valid` when its signature and totals match the prefix. */
  seal: { info: SealInfo; valid: boolean; length: number } | undefined;
  /** Why the valid part ends before the end of the file, if it does. */
  stoppedBecause: string | undefined;
  /**
   * What ended the valid part: 'torn' = a record runs past the end of the file (a crash mid-write);
   * 'corrupt' = bytes that are not a record; 'chunk' = a whole chunk that fails its checks; 'header'.
   */
  stop: 'torn' | 'corrupt' | 'chunk' | 'header' | undefined;
}

/**
 * The longest prefix of a (possibly torn) recording that is a valid header followed by whole chunks
 * whose hashes chain and whose frames decode. Recovery truncates to `length` and appends a seal.
 */
export async function findValidPrefix(
  input: Uint8Array | ByteSource,
  opts: { decompressor?: Decompressor; sha256?: Sha256 } = {},
): Promise<ValidPrefix> {
  const source = input instanceof Uint8Array ? byteSourceFromBytes(input) : input;
  const head = await readHeader(source);
  const result: ValidPrefix = {
    ...{ length: 0, header: undefined, headerHash: '', headerLength: 0, chunks: [], frames: 0 },
    ...{ bytesClient: 0, bytesServer: 0, lastTUs: 0, lastHash: '', seal: undefined },
    ...{ stoppedBecause: undefined, stop: undefined },
  };
  if ('error' in head) {
    result.stoppedBecause = `header unusable: ${head.error}`;
    result.stop = 'header';
    return result;
  }
  Object.assign(result, { header: head.header, headerHash: head.hashHex, headerLength: head.length });
  result.length = head.length;
  let prev = head.hash;
  const codecs = { decompressor: opts.decompressor ?? defaultDecompressor, sha256: opts.sha256 ?? nobleSha256 };
  for await (const step of scanRecords(source, head.length)) {
    if (step.kind === 'chunk') {
      const expect = { seq: result.chunks.length, firstFrame: result.frames, notBeforeTUs: result.lastTUs };
      const c = await checkChunk(source, step, prev, expect, codecs);
      if (c.problems.length > 0 || !c.decoded) {
        result.stoppedBecause = `chunk ${expect.seq} at offset ${step.offset}: ${c.problems.join('; ')}`;
        result.stop = 'chunk';
        break;
      }
      prev = c.hash;
      result.chunks.push(step.entry);
      result.frames += step.fixed.frameCount;
      result.bytesClient += c.decoded.bytesClient;
      result.bytesServer += c.decoded.bytesServer;
      result.lastTUs = step.fixed.lastTUs;
      result.length = step.offset + step.entry.length;
    } else if (step.kind === 'seal') {
      const s = step.seal;
      const valid =
        step.trailing === 0 &&
        sealSignatureValid(step.bytes, s) &&
        s.headerHash === head.hashHex &&
        s.finalHash === toHex(prev) &&
        s.chunkCount === result.chunks.length &&
        s.frameCount === result.frames &&
        s.bytesClient === result.bytesClient &&
        s.bytesServer === result.bytesServer;
      result.seal = { info: s, valid, length: step.bytes.length };
    } else if (step.kind !== 'end') {
      result.stoppedBecause = `${step.kind} record at offset ${step.offset}: ${step.detail}`;
      result.stop = step.kind;
    }
  }
  result.lastHash = toHex(prev);
  return result;
}
