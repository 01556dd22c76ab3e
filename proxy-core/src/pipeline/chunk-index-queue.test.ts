import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChunkEntry } from '../store/store.types';
import { openTempStore, type TempStore } from '../store/temp-store';
import { createChunkIndexQueue } from './chunk-index-queue';

let temp: TempStore | undefined;
afterEach(() => {
  temp?.remove();
  temp = undefined;
  vi.useRealTimers();
});

const session = {
  protocol: 'postgres' as const,
  connection: 'db',
  principal: 'agent',
  groups: [],
  clientAddr: '127.0.0.1:1',
  upstream: '127.0.0.1:5432/db',
  recording: 'recordings/x.vrec',
};
const chunk = (seq: number): ChunkEntry => ({
  seq,
  firstFrame: seq,
  frameCount: 1,
  firstTUs: seq,
  lastTUs: seq,
  offset: 100 + seq,
  length: 1,
  rawLength: 1,
  hash: `h${seq}`,
});
const progress = (chunks: number) => ({ bytesIn: chunks, bytesOut: 0, frames: chunks, chunks });

describe('chunk index queue', () => {
  it('writes the chunks of several sessions in one go after the delay, and at once on flush', () => {
    vi.useFakeTimers();
    temp = openTempStore();
    const { store } = temp;
    const a = store.createSession(session);
    const b = store.createSession(session);
    const queue = createChunkIndexQueue(store, { delayMs: 50 });
    const seen: string[] = [];
    const done = (r: unknown) =>
      seen.push(r instanceof Error ? `error ${r.message}` : `row ${(r as { id: string }).id}`);
    queue.add({ sessionId: a.id, chunk: chunk(0), commands: [], progress: progress(1) }, done);
    queue.add({ sessionId: b.id, chunk: chunk(0), commands: [], progress: progress(1) }, done);
    expect(store.chunks(a.id)).toHaveLength(0);
    vi.advanceTimersByTime(50);
    expect(seen).toEqual([`row ${a.id}`, `row ${b.id}`]);
    expect(store.chunks(b.id)).toHaveLength(1);
    queue.add({ sessionId: a.id, chunk: chunk(1), commands: [], progress: progress(2) }, done);
    queue.flush();
    expect(store.getSession(a.id)?.chunks).toBe(2);
  });

  it('hands each write its own error and keeps the others', () => {
    temp = openTempStore();
    const { store } = temp;
    const a = store.createSession(session);
    const queue = createChunkIndexQueue(store, { delayMs: 0 });
    const results: unknown[] = [];
    queue.add({ sessionId: 'missing', chunk: chunk(0), commands: [], progress: progress(1) }, (r) => results.push(r));
    queue.add({ sessionId: a.id, chunk: chunk(0), commands: [], progress: progress(1) }, (r) => results.push(r));
    expect(results[0]).toBeInstanceOf(Error);
    expect(results[1]).toMatchObject({ id: a.id, chunks: 1 });
  });
});
