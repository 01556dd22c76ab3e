import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes, countingByteSource } from './byte-source';
import { RecordingFormatError } from './errors';
import type { Frame } from './recording.types';
import { openRecording } from './recording-reader';
import { buildRecording } from './testing/recording-builder';

const text = (s: string) => new TextEncoder().encode(s);

describe('openRecording', () => {
  it('round-trips every frame kind with frame numbers and times', async () => {
    const big = 5_000_000_000; // past 2^32 µs (71 minutes)
    const built = buildRecording({
      write: (w) => {
        w.appendBytes(0, 'client', text('Q\0\0\0\x0dselect 1\0'));
        w.appendBytes(10, 'server', text('T...'), 0);
        w.appendBytes(10, 'server', text('err'), 255);
        w.appendResize(20, 132, 43);
        w.appendAnnotation(30, { kind: 'policy', decision: 'allow', n: [1, 2] });
        w.flushChunk();
        w.appendBytes(big, 'client', new Uint8Array(0));
        w.appendBytes(big - 5, 'server', text('clamped')); // clocks may step back; times never do
        w.appendAnnotation(big + 1, undefined);
      },
    });
    const rec = await openRecording(byteSourceFromBytes(built.bytes));
    expect(rec.header.sessionId).toBe('ses_0001');
    expect(rec.chunks).toEqual(built.index);
    expect(rec.frameCount).toBe(8);
    expect(rec.durationUs).toBe(big + 1);
    expect(rec.interrupted).toBe(false);
    expect(rec.seal?.reason).toBe('client disconnected');
    const frames = await rec.readFrames(0, 100);
    const plain = frames.map((f) => (f.kind === 'bytes' ? { ...f, data: new TextDecoder().decode(f.data) } : f));
    expect(plain).toEqual([
      { n: 0, tUs: 0, kind: 'bytes', direction: 'client', channel: 0, data: 'Q\0\0\0\x0dselect 1\0' },
      { n: 1, tUs: 10, kind: 'bytes', direction: 'server', channel: 0, data: 'T...' },
      { n: 2, tUs: 10, kind: 'bytes', direction: 'server', channel: 255, data: 'err' },
      { n: 3, tUs: 20, kind: 'resize', cols: 132, rows: 43 },
      { n: 4, tUs: 30, kind: 'annotation', value: { kind: 'policy', decision: 'allow', n: [1, 2] } },
      { n: 5, tUs: big, kind: 'bytes', direction: 'client', channel: 0, data: '' },
      { n: 6, tUs: big, kind: 'bytes', direction: 'server', channel: 0, data: 'clamped' },
      { n: 7, tUs: big + 1, kind: 'annotation', value: null },
    ]);
  });

  it('reads an empty recording', async () => {
    const rec = await openRecording(byteSourceFromBytes(buildRecording({ write: () => {} }).bytes));
    expect(rec.chunks).toEqual([]);
    expect(rec.frameCount).toBe(0);
    expect(await rec.readFrames(0, 10)).toEqual([]);
    expect(await rec.frameAt(0)).toBeUndefined();
    expect(await rec.seekTime(5)).toBe(0);
  });

  it('seeks by frame and by time reading exactly one chunk', async () => {
    const built = buildRecording({ chunks: 6, framesPerChunk: 10 });
    const fresh = async () => {
      const s = countingByteSource(byteSourceFromBytes(built.bytes));
      const r = await openRecording(s, { index: built.index });
      expect(r.seal).toBeDefined();
      s.reads = 0;
      s.bytesRead = 0;
      return { s, r };
    };
    {
      const { s, r } = await fresh();
      const f = (await r.frameAt(37)) as Frame;
      expect(f.n).toBe(37);
      expect(f.tUs).toBe(3 * 10_000 + 7 * 125);
      expect(s.reads).toBe(1);
      expect(s.bytesRead).toBe(built.index[3]?.length);
    }
    {
      const { s, r } = await fresh();
      expect(await r.seekTime(4 * 10_000 + 3 * 125 - 1)).toBe(43);
      expect(s.reads).toBe(1);
      expect(await r.seekTime(4 * 10_000 + 3 * 125)).toBe(43);
      expect(s.reads).toBe(1); // same chunk: served from the decoded-chunk cache
    }
    {
      const { s, r } = await fresh();
      expect(await r.seekTime(2 * 10_000)).toBe(20); // a chunk's first time needs no read
      expect(await r.seekTime(10 ** 12)).toBe(60);
      expect(s.reads).toBe(0);
    }
    {
      const { s, r } = await fresh();
      const frames = await r.readFrames(25, 10);
      expect(frames.map((f) => f.n)).toEqual([25, 26, 27, 28, 29, 30, 31, 32, 33, 34]);
      expect(s.reads).toBe(2);
    }
  });

  it('scans the index from record headers without reading payloads', async () => {
    const built = buildRecording({ chunks: 5, framesPerChunk: 200 });
    const source = countingByteSource(byteSourceFromBytes(built.bytes));
    const rec = await openRecording(source);
    expect(rec.chunks).toEqual(built.index);
    // header (1 read) + one 80-byte read per chunk + seal (fixed part probe, fixed part, whole record)
    expect(source.reads).toBe(1 + 5 + 3);
    const firstRead = Math.min(4096, built.bytes.length);
    expect(source.bytesRead - firstRead).toBe(5 * 80 + 80 + 144 + (built.seal?.length ?? 0));
  });

  it('opens an interrupted file and reads its complete chunks', async () => {
    const built = buildRecording({ chunks: 3, seal: false });
    const cut = built.bytes.subarray(0, built.bytes.length - 7);
    const rec = await openRecording(byteSourceFromBytes(cut));
    expect(rec.interrupted).toBe(true);
    expect(rec.seal).toBeUndefined();
    expect(rec.chunks).toHaveLength(2);
    expect(rec.tail).toMatchObject({ torn: true, offset: built.index[2]?.offset });
    expect((await rec.readFrames(0, 100)).length).toBe(8);
  });

  it('refuses a chunk whose bytes no longer match the index', async () => {
    const built = buildRecording({ chunks: 2 });
    const bytes = built.bytes.slice();
    const at = (built.index[1]?.offset ?? 0) + 90;
    bytes[at] = (bytes[at] as number) ^ 1;
    const rec = await openRecording(byteSourceFromBytes(bytes), { index: built.index });
    await expect(rec.readChunk(1)).rejects.toThrow(/chunk 1 at offset \d+: hash mismatch/);
    await expect(rec.readChunk(1)).rejects.toBeInstanceOf(RecordingFormatError);
    expect((await rec.readChunk(0)).length).toBe(4);
  });

  it('rejects a file that is not a recording', async () => {
    await expect(openRecording(byteSourceFromBytes(text('PGDMP....')))).rejects.toThrow(/header corrupt: bad magic/);
  });
});
