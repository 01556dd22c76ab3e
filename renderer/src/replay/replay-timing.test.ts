import { describe, expect, it } from 'vitest';
import { frameAtOffset, gapMs, IDLE_LIMIT_US, planNextStep } from './replay-timing';

// Frame times in µs; frames 4..6 arrive in one burst (a result set), then a long idle gap.
const times = [0, 100_000, 300_000, 310_000, 1_000_000, 1_005_000, 1_010_000, 61_010_000];
const timeOf = (n: number) => times[n];

describe('gapMs', () => {
  it('scales with speed', () => {
    expect(gapMs(0, 1_000_000, 1, false)).toBe(1000);
    expect(gapMs(0, 1_000_000, 2, false)).toBe(500);
    expect(gapMs(0, 1_000_000, 0.5, false)).toBe(2000);
  });

  it('caps idle time when skipping it', () => {
    expect(gapMs(0, 60_000_000, 1, true)).toBe(IDLE_LIMIT_US / 1000);
    expect(gapMs(0, 60_000_000, 8, true)).toBe(125);
    expect(gapMs(5, 1, 1, false)).toBe(0);
  });
});

describe('planNextStep', () => {
  it('waits for the next frame and applies the burst that follows it in one tick', () => {
    expect(planNextStep(timeOf, 3, times.length, 1, false)).toEqual({ kind: 'advance', to: 6, delayMs: 690 });
    expect(planNextStep(timeOf, 1, times.length, 2, false)).toEqual({ kind: 'advance', to: 3, delayMs: 100 });
  });

  it('starts immediately from before the first frame', () => {
    expect(planNextStep(timeOf, -1, times.length, 1, false)).toEqual({ kind: 'advance', to: 0, delayMs: 0 });
  });

  it('skips idle time', () => {
    expect(planNextStep(timeOf, 6, times.length, 1, true)).toEqual({ kind: 'advance', to: 7, delayMs: 1000 });
    expect(planNextStep(timeOf, 6, times.length, 1, false)).toEqual({ kind: 'advance', to: 7, delayMs: 60_000 });
  });

  it('reports the first missing frame, and the end', () => {
    const sparse = (n: number) => (n < 3 ? times[n] : undefined);
    expect(planNextStep(sparse, 2, times.length, 1, true)).toEqual({ kind: 'starved', missing: 3 });
    expect(planNextStep(timeOf, 7, times.length, 1, true)).toEqual({ kind: 'end' });
  });

  it('stops a burst at the first frame not in the cache', () => {
    const partial = (n: number) => (n <= 4 ? times[n] : undefined);
    expect(planNextStep(partial, 3, times.length, 1, false)).toMatchObject({ to: 4 });
  });
});

describe('frameAtOffset', () => {
  it('moves forward to the first frame at or after the target time', () => {
    expect(frameAtOffset(timeOf, 0, times.length, 300_000)).toBe(2);
    expect(frameAtOffset(timeOf, 0, times.length, 5_000_000)).toBe(7);
  });

  it('moves back to the earliest frame not before the target time, at least one frame', () => {
    expect(frameAtOffset(timeOf, 6, times.length, -5_000)).toBe(5);
    expect(frameAtOffset(timeOf, 6, times.length, -800_000)).toBe(2);
    expect(frameAtOffset(timeOf, 7, times.length, -5_000_000)).toBe(6);
    expect(frameAtOffset(timeOf, 3, times.length, -5_000_000)).toBe(0);
  });

  it('stops at the edge of the cache', () => {
    const partial = (n: number) => (n <= 4 ? times[n] : undefined);
    expect(frameAtOffset(partial, 2, times.length, 5_000_000)).toBe(4);
    expect(frameAtOffset(partial, 6, times.length, -5_000_000)).toBe(6);
  });
});
