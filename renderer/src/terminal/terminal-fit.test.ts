import { describe, expect, it } from 'vitest';
import { fitSize, SCROLLBAR_WIDTH, sameSize } from './terminal-fit';

describe('fitSize', () => {
  it('fills the box with whole cells, leaving room for the scrollbar', () => {
    const cell = { width: 7.8, height: 17 };
    expect(fitSize({ width: 800 + SCROLLBAR_WIDTH, height: 510 }, cell)).toEqual({ cols: 102, rows: 30 });
  });

  it('waits for a laid-out box and measured cells', () => {
    expect(fitSize({ width: 0, height: 0 }, { width: 8, height: 17 })).toBeNull();
    expect(fitSize({ width: 800, height: 600 }, { width: 0, height: 0 })).toBeNull();
    expect(fitSize({ width: 800, height: 600 }, { width: Number.NaN, height: 17 })).toBeNull();
  });

  it('never goes below a usable minimum', () => {
    expect(fitSize({ width: 40, height: 20 }, { width: 8, height: 17 })).toEqual({ cols: 20, rows: 4 });
  });
});

describe('sameSize', () => {
  it('compares columns and rows', () => {
    expect(sameSize({ cols: 80, rows: 24 }, { cols: 80, rows: 24 })).toBe(true);
    expect(sameSize({ cols: 80, rows: 24 }, { cols: 81, rows: 24 })).toBe(false);
    expect(sameSize(null, { cols: 80, rows: 24 })).toBe(false);
  });
});
