import { bytesEqual, toHex } from './bytes';
import { type ChunkExpectation, checkChunk } from './chunk-check';
import { nobleSha256, type Sha256 } from './hash';
import { readHeader, scanRecords } from './record-scanner';
import type { ByteSource, Decompressor, RecordingHeader, SealInfo } from './recording.types';
import { sealSignatureValid } from './seal-record';
import { fingerprint } from './signing-key';
import { defaultDecompressor } from './zstd';

export interface VerifyCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerifyResult {
  /** True only when every check passed, including a valid seal: an unsealed file is never ok. */
  ok: boolean;
  interrupted: boolean;
  sealed: boolean;
  frames: number;
  chunks: number;
  bytesClient: number;
  bytesServer: number;
  /** Chain hash after the last chunk (hex); '' when the header is unreadable. */
  finalHash: string;
  header: RecordingHeader | undefined;
  seal: SealInfo | undefined;
  checks: VerifyCheck[];
}

export interface VerifyOptions {
  /** The gateway key the seal must be signed with. Without it the key embedded in the seal is used. */
  publicKey?: Uint8Array;
  decompressor?: Decompressor;
  sha256?: Sha256;
}

/** Reads the whole recording and reports every problem found. @see FORMAT.md §6 */
export async function verifyRecording(source: ByteSource, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const checks: VerifyCheck[] = [];
  const fail = (name: string, detail: string) => checks.push({ name, ok: false, detail });
  const result: VerifyResult = {
    ...{ ok: false, interrupted: true, sealed: false, frames: 0, chunks: 0, bytesClient: 0, bytesServer: 0 },
    ...{ finalHash: '', header: undefined, seal: undefined, checks },
  };
  const head = await readHeader(source);
  if ('error' in head) {
    fail('header', `header corrupt: ${head.error}`);
    return result;
  }
  checks.push({
    name: 'header',
    ok: true,
    detail: `format ${head.version.major}.${head.version.minor}, session ${head.header.sessionId}`,
  });
  result.header = head.header;
  let prev = head.hash;
  const codecs = { decompressor: opts.decompressor ?? defaultDecompressor, sha256: opts.sha256 ?? nobleSha256 };
  const expect: ChunkExpectation = { seq: 0, firstFrame: 0, notBeforeTUs: 0 };
  let badChunks = 0;
  let lastTUs = 0;
  let sealBytes: Uint8Array | undefined;
  for await (const step of scanRecords(source, head.length)) {
    const after = expect.seq === 0 ? 'the header' : `chunk ${expect.seq - 1}`;
    if (step.kind === 'chunk') {
      const c = await checkChunk(source, step, prev, expect, codecs);
      if (c.problems.length > 0) {
        badChunks++;
        fail(`chunk ${expect.seq}`, `chunk ${expect.seq} at offset ${step.offset}: ${c.problems.join('; ')}`);
      }
      result.bytesClient += c.decoded?.bytesClient ?? 0;
      result.bytesServer += c.decoded?.bytesServer ?? 0;
      // Continue from the stored hash so one damaged chunk is reported once, not as a broken tail.
      prev = step.fixed.hash;
      result.frames += step.fixed.frameCount;
      lastTUs = step.fixed.lastTUs;
      expect.seq++;
      expect.firstFrame = step.fixed.firstFrame + step.fixed.frameCount;
      expect.notBeforeTUs = step.fixed.lastTUs;
    } else if (step.kind === 'seal') {
      result.seal = step.seal;
      sealBytes = step.bytes;
      if (step.trailing > 0) fail('trailing bytes', `${step.trailing} unexpected bytes after the seal`);
    } else if (step.kind === 'torn') {
      fail(
        'tail',
        `file truncated after ${after} (recording interrupted, not sealed): ${step.detail} at offset ${step.offset}`,
      );
    } else if (step.kind === 'corrupt') {
      fail(
        'tail',
        `record at offset ${step.offset} (after ${after}) is corrupt: ${step.detail}; rest of file unreadable`,
      );
    }
  }
  result.chunks = expect.seq;
  result.finalHash = toHex(prev);
  checks.push({
    name: 'chain',
    ok: badChunks === 0,
    detail:
      badChunks === 0
        ? `${result.chunks} chunks, ${result.frames} frames, hash chain intact`
        : `${badChunks} of ${result.chunks} chunks failed`,
  });
  if (result.seal && sealBytes) {
    checkSeal(result.seal, sealBytes, { ...result, headerHash: head.hash, finalHash: prev, lastTUs }, opts, checks);
  } else {
    fail('seal', `no seal record: recording interrupted after ${result.chunks} chunks (${result.frames} frames)`);
  }
  result.sealed = result.seal !== undefined;
  result.interrupted = !result.seal || result.seal.interrupted;
  result.ok = checks.every((c) => c.ok);
  return result;
}

interface Computed {
  header: RecordingHeader | undefined;
  chunks: number;
  frames: number;
  bytesClient: number;
  bytesServer: number;
  lastTUs: number;
  headerHash: Uint8Array;
  finalHash: Uint8Array;
}

function checkSeal(seal: SealInfo, bytes: Uint8Array, c: Computed, opts: VerifyOptions, checks: VerifyCheck[]): void {
  const problems = sealMismatches(seal, c);
  const state = seal.interrupted ? `interrupted (${seal.reason})` : `closed (${seal.reason})`;
  checks.push({
    name: 'seal',
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `sealed at ${seal.endedAt}, ${state}`
        : `seal does not match the file: ${problems.join('; ')}`,
  });
  const signed = sealSignatureValid(bytes, seal);
  const trusted = opts.publicKey;
  if (trusted && !bytesEqual(trusted, seal.publicKey)) {
    checks.push({
      name: 'signature',
      ok: false,
      detail: `seal signed by ${seal.keyFingerprint}, expected ${fingerprint(trusted)}`,
    });
  } else {
    const by = trusted
      ? `trusted key ${seal.keyFingerprint}`
      : `embedded key ${seal.keyFingerprint} (no trusted key given)`;
    checks.push({ name: 'signature', ok: signed, detail: signed ? `valid, ${by}` : 'seal signature invalid' });
  }
  const expected = c.header?.gatewayKeyFingerprint;
  if (expected !== undefined && expected !== seal.keyFingerprint) {
    checks.push({
      name: 'key',
      ok: false,
      detail: `header names key ${expected}, seal signed by ${seal.keyFingerprint}`,
    });
  }
}

function sealMismatches(seal: SealInfo, c: Computed): string[] {
  const pairs: [string, unknown, unknown][] = [
    ['chunk count', seal.chunkCount, c.chunks],
    ['frame count', seal.frameCount, c.frames],
    ['client bytes', seal.bytesClient, c.bytesClient],
    ['server bytes', seal.bytesServer, c.bytesServer],
    ['last frame time', seal.lastTUs, c.lastTUs],
    ['header hash', seal.headerHash, toHex(c.headerHash)],
    ['final hash', seal.finalHash, toHex(c.finalHash)],
  ];
  return pairs.filter(([, said, found]) => said !== found).map(([what, said, found]) => `${what} ${said} ≠ ${found}`);
}
