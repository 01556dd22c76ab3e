import { describe, expect, it } from 'vitest';
import type { Frame, FramesPage } from '../api/api.types';
import { FrameStore } from './frame-store';
import { FrameWindowCache } from './frame-window-cache';

const frame = (n: number): Frame => ({ n, tUs: n, kind: 'resize', cols: 80, rows: 24 });

/** A fake server for a recording of `total` frames that answers at most `cap` frames per request. */
function server(total: number, cap = Number.POSITIVE_INFINITY) {
  const calls: [number, number][] = [];
  const fetchFrames = async (from: number, limit: number): Promise<FramesPage> => {
    calls.push([from, limit]);
    const count = Math.max(0, Math.min(limit, cap, total - from));
    const frames = Array.from({ length: count }, (_, i) => frame(from + i));
    return { total, from, next: from + count < total ? from + count : null, frames };
  };
  return { calls, fetchFrames };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('FrameStore', () => {
  it('fetches only the pages around the requested range of a large recording', async () => {
    const { calls, fetchFrames } = server(1_000_000);
    const store = new FrameStore(fetchFrames, 1_000_000, new FrameWindowCache(500, 10));
    expect(store.ensure(600_100, 600_300)).toBe(false);
    await settle();
    expect(calls).toEqual([[600_000, 500]]);
    expect(store.ensure(600_100, 600_300)).toBe(true);
    expect(store.cache.get(600_250)?.n).toBe(600_250);
  });

  it('shares a request for a page asked for twice', async () => {
    const { calls, fetchFrames } = server(2000);
    const store = new FrameStore(fetchFrames, 2000, new FrameWindowCache(500, 10));
    store.ensure(0, 10);
    store.ensure(5, 20);
    await settle();
    expect(calls).toHaveLength(1);
  });

  it('follows `next` when the server answers with fewer frames than asked', async () => {
    const { calls, fetchFrames } = server(2000, 200);
    const store = new FrameStore(fetchFrames, 2000, new FrameWindowCache(500, 10));
    store.ensure(0, 499);
    for (let i = 0; i < 5; i += 1) await settle();
    expect(calls).toEqual([
      [0, 500],
      [200, 300],
      [400, 100],
    ]);
    expect(store.ensure(0, 499)).toBe(true);
  });

  it('learns the total from the server and notifies subscribers', async () => {
    const { fetchFrames } = server(1200);
    const store = new FrameStore(fetchFrames, 0, new FrameWindowCache(500, 10));
    let notified = 0;
    store.subscribe(() => {
      notified += 1;
    });
    store.setTotal(1);
    store.ensure(0, 0);
    await settle();
    expect(store.total).toBe(1200);
    expect(notified).toBeGreaterThanOrEqual(2);
  });

  it('grows the total with live frames', () => {
    const store = new FrameStore(server(0).fetchFrames, 3, new FrameWindowCache(500, 10));
    store.appendLive([frame(3), frame(4)]);
    expect(store.total).toBe(5);
  });

  it('keeps live frames that arrive while the first page is loading', async () => {
    // The server answers with the 3 frames it had; frames 3..5 arrive over the socket meanwhile.
    let answer: (page: FramesPage) => void = () => {};
    const calls: number[] = [];
    const fetchFrames = (from: number) => {
      calls.push(from);
      return new Promise<FramesPage>((resolve) => {
        answer = resolve;
      });
    };
    const store = new FrameStore(fetchFrames, 3, new FrameWindowCache(500, 10));
    store.ensure(0, 2);
    store.appendLive([frame(3), frame(4), frame(5)]);
    answer({ total: 3, from: 0, next: null, frames: [frame(0), frame(1), frame(2)] });
    for (let i = 0; i < 3; i += 1) await settle();
    expect(store.total).toBe(6);
    expect(store.ensure(0, 5)).toBe(true);
    expect(store.cache.range(0, 5).map((f) => f.n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(calls).toEqual([0]);
    expect(store.loading).toBe(false);
  });

  it('fetches a page again when live frames left a gap in it (the session may then go quiet)', async () => {
    // Frames 3 and 4 were written after the server answered and before the live watch started.
    let recorded = 3;
    const calls: number[] = [];
    const pending: (() => void)[] = [];
    const fetchFrames = (from: number, limit: number) => {
      calls.push(from);
      const total = recorded;
      return new Promise<FramesPage>((resolve) => {
        pending.push(() => {
          const count = Math.max(0, Math.min(limit, total - from));
          resolve({ total, from, next: null, frames: Array.from({ length: count }, (_, i) => frame(from + i)) });
        });
      });
    };
    const store = new FrameStore(fetchFrames, 3, new FrameWindowCache(500, 10));
    store.ensure(0, 2);
    recorded = 7;
    store.appendLive([frame(5), frame(6)]);
    pending.shift()?.();
    for (let i = 0; i < 3; i += 1) await settle();
    // The gap at 3..4: the store asks again on its own (nothing else would: the view already asked once).
    expect(calls).toEqual([0, 0]);
    expect(store.loading).toBe(true);
    pending.shift()?.();
    for (let i = 0; i < 3; i += 1) await settle();
    expect(store.cache.range(0, 6).map((f) => f.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(store.loading).toBe(false);
  });

  it('stops refetching a page the server cannot complete', async () => {
    const { calls, fetchFrames } = server(3);
    const store = new FrameStore(fetchFrames, 10, new FrameWindowCache(500, 10));
    store.ensure(0, 9);
    for (let i = 0; i < 20; i += 1) await settle();
    expect(calls.length).toBe(4); // the load and three more
    expect(store.loading).toBe(false);
  });
});
