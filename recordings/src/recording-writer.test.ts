import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from './byte-source';
import { concatBytes } from './bytes';
import { JsonText } from './json-text';
import { openRecording } from './recording-reader';
import { createRecordingWriter, type TakenChunk } from './recording-writer';
import { TEST_SIGNER, testHeader } from './testing/recording-builder';
import { storeCompressor } from './zstd';

const newWriter = (maxChunkRaw?: number) =>
  createRecordingWriter({ header: testHeader(), compressor: storeCompressor, maxChunkRaw });

describe('createRecordingWriter', () => {
  it('says when to flush and tracks pending raw bytes and frames', () => {
    const w = newWriter(100);
    expect(w.appendBytes(0, 'client', new Uint8Array(40))).toBe(false);
    expect(w.pendingFrames).toBe(1);
    expect(w.pendingRaw).toBe(1 + 1 + 1 + 40);
    expect(w.appendBytes(1, 'server', new Uint8Array(60))).toBe(true);
    expect(w.frames).toBe(2);
    expect(w.flushChunk()).toBeInstanceOf(Uint8Array);
    expect(w.pendingRaw).toBe(0);
    expect(w.flushChunk()).toBeUndefined();
  });

  it('exposes the index entry of each flushed chunk with its file offset', () => {
    const w = newWriter();
    const records = [w.headerBytes()];
    for (let c = 0; c < 3; c++) {
      w.appendBytes(c * 1000, 'client', new Uint8Array([c]));
      w.appendBytes(c * 1000 + 7, 'server', new Uint8Array([c, c]));
      const bytes = w.flushChunk() as Uint8Array;
      expect(w.lastChunk).toMatchObject({
        seq: c,
        firstFrame: c * 2,
        frameCount: 2,
        firstTUs: c * 1000,
        lastTUs: c * 1000 + 7,
        offset: concatBytes(...records).length,
        length: bytes.length,
      });
      expect(w.chainHash).toBe(w.lastChunk?.hash);
      records.push(bytes);
    }
    expect(w.offset).toBe(concatBytes(...records).length);
    expect(w.bytesClient).toBe(3);
    expect(w.bytesServer).toBe(6);
  });

  it('copies payloads: callers may reuse their buffers right away', async () => {
    const w = newWriter();
    const socketBuffer = new Uint8Array([1, 2, 3, 4]);
    w.appendBytes(0, 'server', socketBuffer.subarray(1, 3));
    socketBuffer.fill(9);
    const chunk = w.flushChunk() as Uint8Array;
    const { bytes } = w.seal({ endedAtUs: 1, interrupted: false, reason: 'done', ...TEST_SIGNER });
    const rec = await openRecording(byteSourceFromBytes(concatBytes(w.headerBytes(), chunk, bytes)));
    const [frame] = await rec.readFrames(0, 1);
    expect(frame?.kind === 'bytes' && [...frame.data]).toEqual([2, 3]);
  });

  it('grows for payloads larger than a chunk', async () => {
    const w = newWriter(1024);
    const big = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
    expect(w.appendBytes(5, 'server', big)).toBe(true);
    const chunk = w.flushChunk() as Uint8Array;
    const seal = w.seal({ endedAtUs: 1, interrupted: false, reason: 'done', ...TEST_SIGNER }).bytes;
    const rec = await openRecording(byteSourceFromBytes(concatBytes(w.headerBytes(), chunk, seal)));
    const frame = await rec.frameAt(0);
    expect(frame?.kind === 'bytes' && frame.data).toEqual(big);
  });

  it('writes annotations of every length and width: ASCII, wider characters, varint size boundaries, long texts', async () => {
    const w = newWriter();
    const values: unknown[] = [
      { text: 'x'.repeat(100) },
      new JsonText(JSON.stringify({ text: 'é'.repeat(60) })), // 129 characters, 189 bytes: the length needs 2 bytes
      { text: '€'.repeat(50) },
      { text: '𝄞'.repeat(5000) },
      { text: 'a'.repeat(115) }, // 126 + 2 quotes: the ASCII length sits at the one-byte boundary
      { text: 'ü'.repeat(70_000) }, // past the in-place limit
      'plain',
    ];
    values.forEach((v, i) => {
      w.appendAnnotation(i, v);
    });
    const chunk = w.flushChunk() as Uint8Array;
    const seal = w.seal({ endedAtUs: 10, interrupted: false, reason: 'done', ...TEST_SIGNER }).bytes;
    const rec = await openRecording(byteSourceFromBytes(concatBytes(w.headerBytes(), chunk, seal)));
    const frames = await rec.readFrames(0, values.length);
    expect(frames.map((f) => f.kind === 'annotation' && f.value)).toEqual(
      values.map((v) => (v instanceof JsonText ? JSON.parse(v.text) : v)),
    );
  });

  it('takes chunks to compress elsewhere and commits them in order, to the same bytes as flushChunk', async () => {
    const frames = (w: ReturnType<typeof newWriter>, n: number) => {
      for (let i = 0; i < n; i++) w.appendBytes(i, i % 2 ? 'client' : 'server', new Uint8Array([i, i + 1, i + 2]));
    };
    const direct = newWriter();
    const split = newWriter();
    const chunks: Uint8Array[] = [];
    const taken = [];
    for (const n of [3, 5]) {
      frames(direct, n);
      chunks.push(direct.flushChunk() as Uint8Array);
      frames(split, n);
      taken.push(split.takeChunk());
    }
    expect(split.frames).toBe(8);
    expect(split.pendingFrames).toBe(0);
    const [first, second] = taken as [TakenChunk, TakenChunk];
    expect(() => split.commitChunk(second, storeCompressor.compress(second.raw))).toThrow(/out of order/);
    expect(() => split.seal({ endedAtUs: 1, interrupted: false, reason: 'done', ...TEST_SIGNER })).toThrow(
      /taken chunk/,
    );
    expect(split.commitChunk(first, storeCompressor.compress(first.raw))).toEqual(chunks[0]);
    expect(split.commitChunk(second, storeCompressor.compress(second.raw))).toEqual(chunks[1]);
    expect(split.lastChunk).toEqual(direct.lastChunk);
    const seal = split.seal({ endedAtUs: 1, interrupted: false, reason: 'done', ...TEST_SIGNER }).bytes;
    const rec = await openRecording(byteSourceFromBytes(concatBytes(split.headerBytes(), ...chunks, seal)));
    expect((await rec.readFrames(0, 8)).length).toBe(8);
  });

  it('refuses bad input and use after seal', () => {
    const w = newWriter();
    expect(() => w.appendBytes(-1, 'client', new Uint8Array(1))).toThrow(RangeError);
    expect(() => w.appendBytes(Number.NaN, 'client', new Uint8Array(1))).toThrow(RangeError);
    expect(() => w.appendBytes(0, 'client', new Uint8Array(1), 256)).toThrow(/channel/);
    expect(() => w.appendResize(0, 70_000, 24)).toThrow(/terminal size/);
    expect(w.pendingFrames).toBe(0);
    w.appendResize(0, 80, 24);
    const seal = { endedAtUs: 1, interrupted: false, reason: 'done', ...TEST_SIGNER };
    expect(() => w.seal(seal)).toThrow(/pending/);
    w.flushChunk();
    w.seal(seal);
    expect(() => w.appendResize(1, 80, 24)).toThrow(/sealed/);
    expect(() => newWriter(0)).toThrow(/maxChunkRaw/);
  });

  it('summarises the seal', () => {
    const w = newWriter();
    w.appendBytes(10, 'client', new Uint8Array(3));
    w.flushChunk();
    const endedAtUs = Date.parse('2025-01-02T03:05:00.000Z') * 1000;
    const { bytes, summary } = w.seal({ endedAtUs, interrupted: false, reason: 'client closed', ...TEST_SIGNER });
    expect(summary).toMatchObject({
      frames: 1,
      chunks: 1,
      bytesClient: 3,
      bytesServer: 0,
      endedAt: '2025-01-02T03:05:00.000Z',
      lastTUs: 10,
      interrupted: false,
      reason: 'client closed',
      finalHash: w.chainHash,
      headerHash: w.headerHash,
      sealOffset: w.offset,
      fileLength: w.offset + bytes.length,
    });
    expect(summary.keyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
