import { describe, expect, it } from 'vitest';
import { newSortableId } from './ids';

describe('newSortableId', () => {
  it('is 26 Crockford base32 characters', () => {
    expect(newSortableId()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('sorts by time as a plain string', () => {
    const times = [0, 1, 31, 32, 1_700_000_000_000, 1_700_000_000_001, 2 ** 48 - 1];
    const ids = times.map((t) => newSortableId(new Date(t)));
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]?.slice(0, 10)).toBe('0000000000');
  });

  it('refuses times an id cannot hold', () => {
    expect(() => newSortableId(new Date(-1))).toThrow(RangeError);
    expect(() => newSortableId(new Date(Number.NaN))).toThrow(RangeError);
  });
});
