// The playback clock's arithmetic, kept pure so it can be tested without timers.

/** With "skip idle", no pause between two frames lasts longer than this (asciinema's idle_time_limit). */
export const IDLE_LIMIT_US = 1_000_000;
/** Frames closer together than one display frame are applied in one tick (a 10k-row result is one tick). */
export const BATCH_WINDOW_US = 16_000;
const MAX_BATCH = 5_000;

export type StepPlan =
  | { kind: 'advance'; to: number; delayMs: number }
  | { kind: 'starved'; missing: number }
  | { kind: 'end' };

/** Recording time between two frames as wall-clock milliseconds at this speed. */
export function gapMs(fromUs: number, toUs: number, speed: number, skipIdle: boolean): number {
  const gap = Math.max(0, toUs - fromUs);
  return (skipIdle ? Math.min(gap, IDLE_LIMIT_US) : gap) / 1000 / speed;
}

/**
 * What the next tick does: wait for the next frame's moment, then apply it and every loaded frame that follows
 * within BATCH_WINDOW_US (of recording time). `timeOf` returns undefined for frames not in the cache.
 */
export function planNextStep(
  timeOf: (n: number) => number | undefined,
  cursor: number,
  total: number,
  speed: number,
  skipIdle: boolean,
): StepPlan {
  const next = cursor + 1;
  if (next >= total) return { kind: 'end' };
  const nextUs = timeOf(next);
  if (nextUs === undefined) return { kind: 'starved', missing: next };
  const fromUs = cursor >= 0 ? (timeOf(cursor) ?? nextUs) : nextUs;
  let to = next;
  while (to + 1 < total && to - next < MAX_BATCH) {
    const t = timeOf(to + 1);
    if (t === undefined || t - nextUs > BATCH_WINDOW_US) break;
    to += 1;
  }
  return { kind: 'advance', to, delayMs: gapMs(fromUs, nextUs, speed, skipIdle) };
}

/**
 * The frame to land on when moving `deltaUs` of recording time from `cursor` (the ←/→ keys). Only frames in the
 * cache are considered; when the target lies beyond them, the furthest known frame in that direction is used.
 */
export function frameAtOffset(
  timeOf: (n: number) => number | undefined,
  cursor: number,
  total: number,
  deltaUs: number,
): number {
  const start = timeOf(cursor);
  if (start === undefined || total === 0) return cursor;
  const target = start + deltaUs;
  const step = deltaUs >= 0 ? 1 : -1;
  let n = cursor;
  while (n + step >= 0 && n + step < total) {
    const t = timeOf(n + step);
    if (t === undefined) break;
    // Forward: the first frame at or after the target. Back: the earliest frame not before it.
    if (step > 0 && t >= target) return n + step;
    if (step < 0 && t < target) return n === cursor ? n + step : n;
    n += step;
  }
  return n;
}
