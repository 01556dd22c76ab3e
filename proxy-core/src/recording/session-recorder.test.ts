import {
  closeSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  byteSourceFromBytes,
  type ChunkIndexEntry,
  generateSigningKey,
  openRecording,
  storeCompressor,
  verifyRecording,
} from '@vigil/recordings';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger';
import { createChunkCompressor } from './chunk-compressor';
import { createSessionRecorder, type SessionRecorderOptions } from './session-recorder';
import { createZstdCompressor } from './zstd-compressor';

const key = generateSigningKey();
const T0 = Date.parse('2025-03-04T05:06:07.000Z') * 1000;
let dir: string;
let now: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-rec-'));
  now = T0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function recorder(over: Partial<SessionRecorderOptions> = {}) {
  const chunks: ChunkIndexEntry[] = [];
  const errors: Error[] = [];
  const rec = createSessionRecorder({
    path: join(dir, 'ses.vrec'),
    header: { sessionId: 'ses_1', protocol: 'postgres', connection: 'db' },
    compressor: createZstdCompressor(),
    signingKey: key,
    clock: () => now,
    logger: silentLogger,
    onChunk: (e) => chunks.push(e),
    onError: (e) => errors.push(e),
    ...over,
  });
  return { rec, chunks, errors };
}

const text = (s: string) => new TextEncoder().encode(s);
const waitFor = (cond: () => boolean) => vi.waitFor(() => expect(cond()).toBe(true), { timeout: 2000, interval: 5 });

describe('createSessionRecorder', () => {
  it('records frames with offsets from its start and seals a verifiable file', async () => {
    const { rec, chunks } = recorder();
    now += 1500;
    rec.recordBytes('client', text('Q\0\0\0\x0dselect 1\0'));
    now += 250;
    rec.recordBytes('server', text('ssh stderr'), 1);
    rec.recordResize(100, 30);
    rec.recordAnnotation({ type: 'policy', decision: 'allow' });
    expect(rec.now()).toBe(1750);
    now += 1_000_000;
    const summary = await rec.close({ reason: 'client terminated' });
    expect(summary).toMatchObject({ frames: 4, chunks: 1, interrupted: false, reason: 'client terminated' });
    expect(summary.endedAt).toBe('2025-03-04T05:06:08.001Z');
    const file = readFileSync(rec.path);
    const result = await verifyRecording(byteSourceFromBytes(file), { publicKey: key.publicKey });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    const opened = await openRecording(byteSourceFromBytes(file));
    expect(opened.header).toMatchObject({ sessionId: 'ses_1', startedAtUs: T0, startedAt: '2025-03-04T05:06:07.000Z' });
    expect(opened.chunks).toEqual(chunks);
    const frames = await opened.readFrames(0, 10);
    expect(frames.map((f) => [f.tUs, f.kind])).toEqual([
      [1500, 'bytes'],
      [1750, 'bytes'],
      [1750, 'resize'],
      [1750, 'annotation'],
    ]);
    expect(frames[1]).toMatchObject({ direction: 'server', channel: 1 });
  });

  it('flushes a chunk when maxChunkRaw is reached and after flushIntervalMs', async () => {
    const { rec, chunks } = recorder({ maxChunkRaw: 1024, flushIntervalMs: 30 });
    // 103 raw bytes per frame (tag, time delta, length, payload): every 10th frame fills a chunk.
    for (let i = 0; i < 35; i++) rec.recordBytes('server', new Uint8Array(100).fill(i));
    await waitFor(() => chunks.length === 3);
    expect(chunks.map((c) => c.frameCount)).toEqual([10, 10, 10]);
    await waitFor(() => chunks.length === 4); // the 5 frames left, on the timer
    expect(chunks[3]?.frameCount).toBe(5);
    expect(rec.pendingWriteBytes).toBe(0);
    await rec.close({ reason: 'done' });
  });

  it('copies payloads: the caller may reuse its socket buffer at once', async () => {
    const { rec } = recorder();
    const socketBuffer = text('abcdef');
    rec.recordBytes('server', socketBuffer.subarray(2, 4));
    socketBuffer.fill(0);
    await rec.close({ reason: 'done' });
    const frame = await (await openRecording(byteSourceFromBytes(readFileSync(rec.path)))).frameAt(0);
    expect(frame?.kind === 'bytes' && new TextDecoder().decode(frame.data)).toBe('cd');
  });

  it('splits a payload larger than a chunk into several frames', async () => {
    const { rec } = recorder({ maxChunkRaw: 1000 });
    const big = Uint8Array.from({ length: 2500 }, (_, i) => i % 256);
    rec.recordBytes('server', big);
    const summary = await rec.close({ reason: 'done' });
    expect(summary).toMatchObject({ frames: 3, bytesServer: 2500 });
    const frames = await (await openRecording(byteSourceFromBytes(readFileSync(rec.path)))).readFrames(0, 3);
    expect(Buffer.concat(frames.map((f) => (f.kind === 'bytes' ? f.data : new Uint8Array())))).toEqual(
      Buffer.from(big),
    );
  });

  it('takes the wall-clock start from the header when the clock is monotonic', async () => {
    now = 42; // e.g. process.hrtime in µs
    const { rec } = recorder({ header: { sessionId: 's', protocol: 'ssh', startedAt: '2025-03-04T05:06:07.000Z' } });
    now += 2_000_000;
    const summary = await rec.close({ reason: 'done' });
    expect(rec.header.startedAtUs).toBe(T0);
    expect(summary.endedAtUs).toBe(T0 + 2_000_000);
  });

  it('fails closed at creation: the file cannot be created, exists, or the header is unusable', () => {
    writeFileSync(join(dir, 'not-a-dir'), '');
    expect(() => recorder({ path: join(dir, 'not-a-dir', 'ses.vrec') })).toThrow(/ENOTDIR|EEXIST/);
    writeFileSync(join(dir, 'taken.vrec'), 'old recording');
    expect(() => recorder({ path: join(dir, 'taken.vrec') })).toThrow(/EEXIST/);
    expect(readFileSync(join(dir, 'taken.vrec'), 'utf8')).toBe('old recording');
    expect(() => recorder({ header: { protocol: 'postgres' } })).toThrow(/sessionId/);
  });

  it('creates missing parent directories', async () => {
    const { rec } = recorder({ path: join(dir, '2025', '03', 'ses.vrec') });
    await rec.close({ reason: 'done' });
    expect(existsSync(join(dir, '2025', '03', 'ses.vrec'))).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')(
    'surfaces a write error through onError and failed, then ignores frames',
    async () => {
      const { rec, errors } = recorder({ compressor: storeCompressor });
      rec.recordBytes('client', text('before'));
      // Close the recorder's descriptor behind its back (found via /proc): the next write gets EBADF.
      const fd = readdirSync('/proc/self/fd').find((f) => {
        try {
          return readlinkSync(`/proc/self/fd/${f}`) === rec.path;
        } catch {
          return false;
        }
      });
      closeSync(Number(fd));
      rec.recordBytes('client', new Uint8Array(70_000)); // crosses maxChunkRaw: flush → write
      await waitFor(() => errors.length === 1);
      expect(rec.failed).toBe(errors[0]);
      expect((rec.failed as NodeJS.ErrnoException).code).toBe('EBADF');
      const frames = rec.frames;
      rec.recordBytes('client', text('after'));
      expect(rec.frames).toBe(frames);
      await expect(rec.close({ reason: 'done' })).rejects.toBe(errors[0]);
      expect(errors).toHaveLength(1);
    },
  );

  it('surfaces a compression failure the same way', async () => {
    const broken = {
      compress: () => {
        throw new Error('zstd out of memory');
      },
    };
    const { rec, errors } = recorder({ compressor: broken });
    rec.recordBytes('client', text('x'));
    await expect(rec.close({ reason: 'done' })).rejects.toThrow('zstd out of memory');
    expect(errors.map((e) => e.message)).toEqual(['zstd out of memory']);
  });

  describe('with chunks compressed on a worker thread', () => {
    it('writes the same verifiable recording, in order, and counts chunks in flight as pending', async () => {
      const chunkCompressor = createChunkCompressor({ logger: silentLogger });
      try {
        const { rec, chunks } = recorder({ chunkCompressor, maxChunkRaw: 256 });
        const sent: string[] = [];
        for (let i = 0; i < 200; i++) {
          const line = `row ${i} ${'x'.repeat(i % 37)}`;
          sent.push(line);
          now += 10;
          rec.recordBytes(i % 2 ? 'client' : 'server', text(line));
        }
        expect(rec.pendingWriteBytes).toBeGreaterThan(0); // chunks are with the worker
        const summary = await rec.close({ reason: 'done' });
        expect(summary.frames).toBe(200);
        expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
        expect(chunks.length).toBeGreaterThan(10);
        const file = readFileSync(rec.path);
        const result = await verifyRecording(byteSourceFromBytes(file), { publicKey: key.publicKey });
        expect(result.checks.filter((c) => !c.ok)).toEqual([]);
        const frames = await (await openRecording(byteSourceFromBytes(file))).readFrames(0, 200);
        expect(frames.map((f) => (f.kind === 'bytes' ? new TextDecoder().decode(f.data) : ''))).toEqual(sent);
      } finally {
        await chunkCompressor.close();
      }
    });

    it('rejects, without throwing, a chunk it cannot hand to the worker', async () => {
      const chunkCompressor = createChunkCompressor({ logger: silentLogger });
      try {
        const shared = new Uint8Array(new SharedArrayBuffer(8));
        await expect(chunkCompressor.compress(shared)).rejects.toThrow();
        const fine = await chunkCompressor.compress(new TextEncoder().encode('still works'));
        expect(fine.length).toBeGreaterThan(0);
      } finally {
        await chunkCompressor.close();
      }
    });

    it('fails the session, closed, when the worker cannot compress', async () => {
      const chunkCompressor = createChunkCompressor({ logger: silentLogger });
      await chunkCompressor.close();
      const { rec, errors } = recorder({ chunkCompressor });
      rec.recordBytes('client', text('x'));
      await expect(rec.close({ reason: 'done' })).rejects.toThrow(/compressor is closed/);
      expect(errors.map((e) => e.message)).toEqual(['the chunk compressor is closed']);
      rec.recordBytes('client', text('after'));
      expect(rec.frames).toBe(1);
    });
  });
});
