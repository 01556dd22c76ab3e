import { describe, expect, it } from 'vitest';
import type { Frame } from '../api/api.types';
import { FrameWindowCache } from './frame-window-cache';

const frame = (n: number): Frame => ({ n, tUs: n * 1000, kind: 'resize', cols: 80, rows: 24 });
const frames = (from: number, count: number) => Array.from({ length: count }, (_, i) => frame(from + i));

describe('FrameWindowCache', () => {
  it('stores a window that spans pages and reads it back', () => {
    const cache = new FrameWindowCache(10, 5);
    cache.put(frames(0, 25));
    expect(cache.pageCount).toBe(3);
    expect(cache.get(24)?.n).toBe(24);
    expect(cache.get(25)).toBeUndefined();
    expect(cache.range(8, 12).map((f) => f.n)).toEqual([8, 9, 10, 11, 12]);
  });

  it('lists the pages missing for a range, counting a partly filled page as missing', () => {
    const cache = new FrameWindowCache(10, 5);
    cache.put(frames(10, 5));
    expect(cache.missingPages(0, 29, 100)).toEqual([0, 1, 2]);
    cache.put(frames(15, 5));
    expect(cache.missingPages(0, 29, 100)).toEqual([0, 2]);
  });

  it('treats the last page of a recording as full when it holds the last frame', () => {
    const cache = new FrameWindowCache(10, 5);
    cache.put(frames(20, 3));
    expect(cache.missingPages(20, 40, 23)).toEqual([]);
    expect(cache.missingPages(20, 40, 24)).toEqual([2]);
    expect(cache.missingPages(5, 2, 100)).toEqual([]);
  });

  it('evicts the least recently used page beyond its capacity', () => {
    const cache = new FrameWindowCache(10, 2);
    cache.put(frames(0, 10));
    cache.put(frames(10, 10));
    cache.get(3);
    cache.put(frames(20, 10));
    expect(cache.has(3)).toBe(true);
    expect(cache.has(13)).toBe(false);
    expect(cache.has(23)).toBe(true);
  });

  it('does not count peek as a use', () => {
    const cache = new FrameWindowCache(10, 2);
    cache.put(frames(0, 10));
    cache.put(frames(10, 10));
    cache.peek(3);
    cache.put(frames(20, 10));
    expect(cache.has(3)).toBe(false);
  });

  it('never stores a page with a hole', () => {
    const cache = new FrameWindowCache(10, 5);
    cache.put(frames(5, 3));
    expect(cache.pageCount).toBe(0);
    cache.put(frames(0, 3));
    cache.put([frame(5)]);
    expect(cache.has(5)).toBe(false);
    expect(cache.range(0, 9).map((f) => f.n)).toEqual([0, 1, 2]);
  });

  it('appends live frames to a present tail page and opens the next page after a full one', () => {
    const cache = new FrameWindowCache(10, 5);
    cache.put(frames(0, 8));
    cache.append(frames(8, 4));
    expect(cache.range(0, 20).map((f) => f.n)).toEqual(frames(0, 12).map((f) => f.n));
  });

  it('drops live frames for pages it does not hold', () => {
    const cache = new FrameWindowCache(10, 5);
    cache.append(frames(40, 2));
    expect(cache.pageCount).toBe(0);
    cache.put(frames(0, 4));
    cache.append(frames(6, 2));
    expect(cache.has(6)).toBe(false);
  });

  it('replaces a frame it already holds', () => {
    const cache = new FrameWindowCache(10, 5);
    cache.put(frames(0, 3));
    cache.put([{ ...frame(1), tUs: 7 }]);
    expect(cache.get(1)?.tUs).toBe(7);
  });
});
