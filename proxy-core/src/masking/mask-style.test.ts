import { describe, expect, it } from 'vitest';
import { hashValue, maskText, maskValue, REDACTED } from './mask-style';

const KEY = new TextEncoder().encode('test-masking-key');

describe('mask styles', () => {
  it('redact is short and names nothing', () => {
    expect(maskValue('alice@example.com', 'redact')).toBe(REDACTED);
    expect(REDACTED).toBe('****');
  });
  it('partial keeps the tail and the separators', () => {
    expect(maskValue('4111 1111 1111 1234', 'partial')).toBe('**** **** **** 1234');
    expect(maskValue('123-45-6789', 'partial')).toBe('***-**-6789');
    expect(maskValue('alice@example.com', 'partial')).toBe('*****@******e.com');
    expect(maskValue('+1 (415) 555-0100', { name: 'partial', keep: 2 })).toBe('+* (***) ***-**00');
  });
  it('partial never shows more than half of a short value', () => {
    expect(maskValue('abc', 'partial')).toBe('**c');
    expect(maskValue('ab12', 'partial')).toBe('**12');
    expect(maskValue('x', 'partial')).toBe('*');
    expect(maskValue('', 'partial')).toBe('');
  });
  it('partial keeps escapes so a masked JSON string stays valid', () => {
    const masked = maskValue('line1\\nline2\\u00e9\\"x', 'partial');
    expect(masked).toBe('*****\\n**ne2\\u00e9\\"x');
    expect(() => JSON.parse(`"${masked}"`)).not.toThrow();
  });
  it('partial handles non-ASCII letters by code point', () => {
    expect(maskValue('Zoë Ångström', 'partial')).toBe('*** ****tröm');
  });
  it('hash is keyed, stable and equal for equal values', () => {
    const a = maskValue('123-45-6789', 'hash', KEY);
    expect(a).toMatch(/^h:[0-9a-f]{16}$/);
    expect(maskValue('123-45-6789', 'hash', KEY)).toBe(a);
    expect(maskValue('123-45-6780', 'hash', KEY)).not.toBe(a);
    expect(hashValue('123-45-6789', new TextEncoder().encode('other-key'))).not.toBe(a);
    expect(() => maskValue('x', 'hash')).toThrow(/needs a key/);
  });
  it('maskText replaces each span', () => {
    const text = 'mail alice@example.com or 123-45-6789.';
    const spans = [
      { start: 5, end: 22 },
      { start: 26, end: 37 },
    ];
    expect(maskText(text, spans, 'redact')).toBe('mail **** or ****.');
    expect(maskText(text, spans, 'partial')).toBe('mail *****@******e.com or ***-**-6789.');
    expect(maskText(text, [], 'redact')).toBe(text);
  });
});
