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
});
