import { describe, expect, it } from 'vitest';
import { DEFAULT_TERMINAL_SIZE, parseControl, sizeFromQuery } from './terminal-protocol';

describe('sizeFromQuery', () => {
  it('takes cols and rows from the query', () => {
    expect(sizeFromQuery(new URLSearchParams('cols=132&rows=43'))).toEqual({ cols: 132, rows: 43 });
  });

  it('falls back to 80×24 for missing, zero, negative, fractional or non-numeric sizes', () => {
    for (const q of ['', 'cols=0&rows=-3', 'cols=1.5&rows=x', 'cols=&rows=1e999'])
      expect(sizeFromQuery(new URLSearchParams(q))).toEqual(DEFAULT_TERMINAL_SIZE);
  });

  it('caps absurd sizes', () => {
    expect(sizeFromQuery(new URLSearchParams('cols=100000&rows=100000'))).toEqual({ cols: 1000, rows: 500 });
  });
});

describe('parseControl', () => {
  it('reads a resize', () => {
    expect(parseControl('{"type":"resize","cols":100,"rows":30}')).toEqual({ type: 'resize', cols: 100, rows: 30 });
  });

  it('ignores junk, unknown types and bad sizes', () => {
    for (const text of [
      '',
      'not json',
      'null',
      '[]',
      '{"type":"exec","cols":1,"rows":1}',
      '{"type":"resize","cols":"100","rows":30}',
      '{"type":"resize","cols":0,"rows":30}',
      '{"type":"resize","cols":80}',
    ])
      expect(parseControl(text)).toBeUndefined();
  });
});
