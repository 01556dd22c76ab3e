import { bytesEqual, fromBase64, toBase64, toHex } from '../bytes';
import { parseChunkFixed } from '../chunk-record';
import { CHUNK } from '../format';
import { parseHeaderRecord } from '../header-record';
import { readHeader, scanRecords } from '../record-scanner';
import type { ByteSource } from '../recording.types';
import { parseSealRecord, sealSignatureValid } from '../seal-record';
import { fingerprint } from '../signing-key';
import type { VerifyCheck } from '../verify-recording';

export const PURGED_FORMAT = 'vigil.purged-recording.v1';

/**
 * What retention leaves of a recording: its header record, the 80-byte fixed part of every chunk (numbering,
 * frame counts, times, lengths, stored chain hash, CRC) and the seal record, byte for byte; every chunk
 * payload (the session's content) is gone. What stays provable: who, where and when (the header, by its hash),
 * the shape of the session (chunks, frames, times), and that the gateway sealed exactly this (the seal signs the
 * header hash and the final chain hash, which must be the last chunk's stored hash). What cannot be checked
 * any more, by design: the content, and the chain links inside it (each link hashes the removed payload).
 */
export interface PurgedRecording {
  format: typeof PURGED_FORMAT;
  sessionId: string;
  purgedAt: string;
  /** Which rule removed the content, e.g. `connection orders-db retention 30d`. */
  rule: string;
  /** Bytes of chunk payloads removed. */
  removedBytes: number;
  /** Base64 of the header record. */
  header: string;
  /** Base64 of each chunk record's 80-byte fixed part, in order. */
  chunks: string[];
  /** Base64 of the seal record. */
  seal: string;
}

/** Reads the skeleton of a sealed recording (header, chunk fixed parts, seal): what a purge keeps. */
export async function purgedSkeleton(
  source: ByteSource,
): Promise<Pick<PurgedRecording, 'sessionId' | 'header' | 'chunks' | 'seal' | 'removedBytes'>> {
  const head = await readHeader(source);
  if ('error' in head) throw new Error(`header corrupt: ${head.error}`);
  const chunks: string[] = [];
  let removedBytes = 0;
  let seal: Uint8Array | undefined;
  for await (const step of scanRecords(source, head.length)) {
    if (step.kind === 'chunk') {
      chunks.push(toBase64(await source.read(step.offset, CHUNK.fixedSize)));
      removedBytes += step.entry.length - CHUNK.fixedSize;
    } else if (step.kind === 'seal') seal = step.bytes;
    else if (step.kind !== 'end') throw new Error(`recording unreadable at offset ${step.offset}: ${step.detail}`);
  }
  if (!seal) throw new Error('recording is not sealed');
  const header = toBase64(await source.read(0, head.length));
  return { sessionId: head.header.sessionId, header, chunks, seal: toBase64(seal), removedBytes };
}

/** Checks what a purge kept: one check per finding, like verifyRecording. */
export function verifyPurgedRecording(
  p: PurgedRecording,
  opts: { publicKey?: Uint8Array } = {},
): { ok: boolean; checks: VerifyCheck[] } {
  const checks: VerifyCheck[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  if (p.format !== PURGED_FORMAT) {
    add('format', false, `format ${JSON.stringify(p.format)}, expected ${PURGED_FORMAT}`);
    return { ok: false, checks };
  }
  const header = decode(p.header, parseHeaderRecord);
  if (typeof header === 'string') add('header', false, `header corrupt: ${header}`);
  else
    add(
      'header',
      header.header.sessionId === p.sessionId,
      header.header.sessionId === p.sessionId
        ? `session ${p.sessionId}, started ${header.header.startedAt}`
        : `header is session ${header.header.sessionId}, not ${p.sessionId}`,
    );
  let frames = 0;
  let lastTUs = 0;
  let lastHash = typeof header === 'string' ? undefined : header.hash;
  let bad = 0;
  for (const [i, text] of p.chunks.entries()) {
    const fixed = decode(text, parseChunkFixed);
    const problems: string[] = [];
    if (typeof fixed === 'string') problems.push(fixed);
    else {
      if (fixed.seq !== i) problems.push(`sequence number ${fixed.seq}, expected ${i}`);
      if (fixed.firstFrame !== frames) problems.push(`first frame ${fixed.firstFrame}, expected ${frames}`);
      if (fixed.firstTUs < lastTUs) problems.push('starts before the previous chunk ends');
      frames = fixed.firstFrame + fixed.frameCount;
      lastTUs = fixed.lastTUs;
      lastHash = fixed.hash;
    }
    if (problems.length > 0) {
      bad++;
      add(`chunk ${i}`, false, problems.join('; '));
    }
  }
  add(
    'chunks',
    bad === 0,
    bad === 0
      ? `${p.chunks.length} chunk headers, ${frames} frames; payloads removed (${p.removedBytes} bytes) by ${p.rule} at ${p.purgedAt}`
      : `${bad} of ${p.chunks.length} chunk headers bad`,
  );
  const sealBytes = safeBase64(p.seal);
  const seal = sealBytes ? parseSealRecord(sealBytes, 0) : 'seal is not base64';
  if (typeof seal === 'string' || !sealBytes) {
    add('seal', false, typeof seal === 'string' ? seal : 'seal unreadable');
    return { ok: false, checks };
  }
  const mismatches: string[] = [];
  if (seal.chunkCount !== p.chunks.length) mismatches.push(`chunk count ${seal.chunkCount} ≠ ${p.chunks.length}`);
  if (seal.frameCount !== frames) mismatches.push(`frame count ${seal.frameCount} ≠ ${frames}`);
  if (seal.lastTUs !== lastTUs) mismatches.push(`last frame time ${seal.lastTUs} ≠ ${lastTUs}`);
  if (typeof header !== 'string' && seal.headerHash !== header.hashHex) mismatches.push('header hash differs');
  if (lastHash && seal.finalHash !== toHex(lastHash))
    mismatches.push(`final hash ${seal.finalHash} ≠ last chunk's ${toHex(lastHash)}`);
  add(
    'seal',
    mismatches.length === 0,
    mismatches.length === 0
      ? `sealed at ${seal.endedAt} (${seal.reason}), final hash ${seal.finalHash}`
      : `seal does not match what was kept: ${mismatches.join('; ')}`,
  );
  if (opts.publicKey && !bytesEqual(opts.publicKey, seal.publicKey)) {
    add('signature', false, `seal signed by ${seal.keyFingerprint}, expected ${fingerprint(opts.publicKey)}`);
  } else {
    const valid = sealSignatureValid(sealBytes, seal);
    add(
      'signature',
      valid,
      valid ? `valid, ${opts.publicKey ? 'trusted' : 'embedded'} key ${seal.keyFingerprint}` : 'seal signature invalid',
    );
  }
  return { ok: checks.every((c) => c.ok), checks };
}

function decode<T>(text: string, parse: (bytes: Uint8Array) => T | string): T | string {
  const bytes = safeBase64(text);
  return bytes ? parse(bytes) : 'not base64';
}

function safeBase64(text: string): Uint8Array | undefined {
  try {
    return fromBase64(text);
  } catch {
    return undefined;
  }
}
