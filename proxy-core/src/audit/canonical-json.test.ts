import { describe, expect, it } from 'vitest';
import { canonicalJson, toJsonValue } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], A: { z: {}, y: [] } })).toBe(
      '{"A":{"y":[],"z":{}},"a":[true,null,"x"],"b":1}',
    );
    // RFC 8785 §3.2.3: "\u20ac" (€) sorts before "\ud83d\ude00" (😀) by code unit, although not by code point.
    expect(canonicalJson({ '😀': 1, '€': 2, '\r': 3 })).toBe('{"\\r":3,"€":2,"😀":1}');
  });

  it('writes numbers and strings as ECMAScript does (RFC 8785 §3.2.2)', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 'é\u2028"\\'])).toBe(
      '[1e+21,1e-7,0,0.30000000000000004,"é\u2028\\"\\\\"]',
    );
  });

  it('leaves out undefined properties and refuses other non-JSON values', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow('$.n: NaN is not a JSON number');
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/plain objects/);
    expect(() => canonicalJson([1, undefined])).toThrow('$[1]: undefined is not JSON');
    // biome-ignore lint/suspicious/noSparseArray: a hole is exactly what is being tested
    expect(() => canonicalJson([1, , 3])).toThrow(/undefined/);
    expect(() => canonicalJson(10n)).toThrow(/bigint/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow('$.self: cycle');
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });

  it('round-trips: the canonical form of the parse-back form is the same text', () => {
    const value = { z: [1.5, -0, { q: 'x' }], a: null, m: 1e300 };
    expect(canonicalJson(toJsonValue(value))).toBe(canonicalJson(value));
  });
});
