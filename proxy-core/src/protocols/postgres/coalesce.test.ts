import { describe, expect, it } from 'vitest';
import { coalesce, joined } from './coalesce';

describe('coalesce', () => {
  const chunk = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  it('joins adjacent views of one buffer without copying', () => {
    const runs = coalesce([chunk.subarray(0, 3), chunk.subarray(3, 5), chunk.subarray(5, 8)]);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.buffer).toBe(chunk.buffer);
    expect([...(runs[0] as Uint8Array)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps views apart when something else sits between them', () => {
    const other = new Uint8Array([9, 9]);
    const runs = coalesce([chunk.subarray(0, 2), other, chunk.subarray(2, 4), chunk.subarray(5, 6)]);
    expect(runs.map((r) => [...r])).toEqual([[1, 2], [9, 9], [3, 4], [6]]);
  });

  it('joined copies once when it must, and returns the same bytes', () => {
    const other = new Uint8Array([9]);
    expect([...joined([chunk.subarray(0, 2), other, chunk.subarray(2, 3)])]).toEqual([1, 2, 9, 3]);
    expect(joined([chunk.subarray(1, 3)]).buffer).toBe(chunk.buffer);
  });
});
