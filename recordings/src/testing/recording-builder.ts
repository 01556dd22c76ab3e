import { concatBytes } from '../bytes';
import type { ChunkIndexEntry, Compressor, RecordingHeader, SealSummary } from '../recording.types';
import { createRecordingWriter, type RecordingWriter } from '../recording-writer';
import { ed25519Signer, fingerprint } from '../signing-key';
import { storeCompressor } from '../zstd';

/** A fixed key so fixtures and test vectors are byte-for-byte reproducible. Never use outside tests. */
export const TEST_PRIVATE_KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
export const TEST_SIGNER = ed25519Signer(TEST_PRIVATE_KEY);

export function testHeader(extra: Record<string, unknown> = {}): RecordingHeader {
  return {
    sessionId: 'ses_0001',
    protocol: 'postgres',
    connection: 'orders-prod',
    principal: { subject: 'agent:claude', email: 'ops@example.com' },
    startedAt: '2025-01-02T03:04:05.000Z',
    startedAtUs: Date.parse('2025-01-02T03:04:05.000Z') * 1000,
    gatewayKeyFingerprint: fingerprint(TEST_SIGNER.publicKey),
    ...extra,
  };
}

const text = (s: string) => new TextEncoder().encode(s);

/** Writes `framesPerChunk` frames of every kind, `chunks` times, flushing after each group. */
export function writeSampleFrames(w: RecordingWriter, chunks: number, framesPerChunk: number): void {
  for (let c = 0; c < chunks; c++) {
    for (let i = 0; i < framesPerChunk; i++) {
      const t = c * 10_000 + i * 125;
      const k = (c * framesPerChunk + i) % 5;
      if (k === 0) w.appendBytes(t, 'client', text(`B\0\0\0\x10stmt${i}\0`));
      else if (k === 1) w.appendBytes(t, 'server', text(`D\0\0\0\x0brow ${c}.${i}`));
      else if (k === 2) w.appendBytes(t, 'server', text('stderr line\n'), 2);
      else if (k === 3) w.appendResize(t, 80 + i, 24 + c);
      else w.appendAnnotation(t, { type: 'query', sql: `select ${c}, ${i}`, n: i });
    }
    w.flushChunk();
  }
}

export interface BuiltRecording {
  bytes: Uint8Array;
  header: Uint8Array;
  chunkRecords: Uint8Array[];
  index: ChunkIndexEntry[];
  seal: Uint8Array | undefined;
  summary: SealSummary | undefined;
}

export interface BuildOptions {
  chunks?: number;
  framesPerChunk?: number;
  /** Write frames yourself instead of the sample frames (flush as you go). */
  write?: (w: RecordingWriter) => void;
  /** false: leave the recording unsealed, as after a crash. */
  seal?: false | { interrupted?: boolean; reason?: string };
  compressor?: Compressor;
  maxChunkRaw?: number;
}

/** A complete in-memory recording, plus its pieces for tests that tamper with them. */
export function buildRecording(opts: BuildOptions = {}): BuiltRecording {
  const w = createRecordingWriter({
    header: testHeader(),
    compressor: opts.compressor ?? storeCompressor,
    maxChunkRaw: opts.maxChunkRaw,
  });
  const chunkRecords: Uint8Array[] = [];
  const index: ChunkIndexEntry[] = [];
  const flush = w.flushChunk.bind(w);
  w.flushChunk = () => {
    const bytes = flush();
    if (bytes && w.lastChunk) {
      chunkRecords.push(bytes);
      index.push(w.lastChunk);
    }
    return bytes;
  };
  if (opts.write) opts.write(w);
  else writeSampleFrames(w, opts.chunks ?? 3, opts.framesPerChunk ?? 4);
  w.flushChunk();
  let seal: { bytes: Uint8Array; summary: SealSummary } | undefined;
  if (opts.seal !== false) {
    seal = w.seal({
      endedAtUs: testHeader().startedAtUs + 60_000_000,
      interrupted: opts.seal?.interrupted ?? false,
      reason: opts.seal?.reason ?? 'client disconnected',
      ...TEST_SIGNER,
    });
  }
  const header = w.headerBytes();
  const bytes = concatBytes(header, ...chunkRecords, ...(seal ? [seal.bytes] : []));
  return { bytes, header, chunkRecords, index, seal: seal?.bytes, summary: seal?.summary };
}
