import { describe, expect, it } from 'vitest';
import { compileDetectors } from '../../masking/detectors/index';
import { detectorTextMasker } from './detector-text-masker';
import { maskJson } from './json-masker';
import { parseJsonPath } from './json-path';

const detectors = detectorTextMasker(compileDetectors(['email', 'credit_card']), 'redact');
const mask = (json: string, paths: string[] = [], style: 'redact' | 'partial' = 'redact') =>
  maskJson(Buffer.from(json), { paths: paths.map(parseJsonPath), style, maskText: detectors });

describe('maskJson', () => {
  it('replaces values selected by path, whatever their type, and keeps the rest byte for byte', () => {
    const json = '{ "a": {"secret": [1, 2]}, "n": 123456789012345678901234567890, "s": "x\\u00e9",\n "k": "keep" }';
    const out = mask(json, ['$.a.secret', '$.k']);
    expect(out?.body.toString()).toBe(
      '{ "a": {"secret": "****"}, "n": 123456789012345678901234567890, "s": "x\\u00e9",\n "k": "****" }',
    );
    expect(out?.count).toBe(2);
  });

  it('masks strings and numbers found by detectors, with spans in bytes of the output', () => {
    const out = mask('{"é":"mail bob@example.org","card":4111111111111111,"ok":"fine"}');
    const body = out?.body.toString() ?? '';
    expect(JSON.parse(body)).toEqual({ é: 'mail ****', card: '****', ok: 'fine' });
    expect(out?.spans.map((s) => [s.rule, out.body.subarray(s.start, s.end).toString()])).toEqual([
      ['email', '"mail ****"'],
      ['credit_card', '"****"'],
    ]);
  });

  it('partial style keeps the end of strings found by path', () => {
    expect(mask('{"card":"4111 1111 1111 1234"}', ['$.card'], 'partial')?.body.toString()).toBe(
      '{"card":"**** **** **** 1234"}',
    );
  });

  it('does not look inside a value masked whole', () => {
    const out = mask('{"u":{"email":"a@example.com"}}', ['$.u']);
    expect(out?.spans).toEqual([{ rule: 'json:$.u', start: 5, end: 11 }]);
  });

  it('returns the same buffer when nothing is masked, undefined for what is not JSON', () => {
    const source = Buffer.from('[1, "two", {"three": null}]');
    expect(maskJson(source, { paths: [], style: 'redact', maskText: detectors })?.body).toBe(source);
    for (const bad of ['{"a":1', '{"a":1} x', "{'a':1}", '{"a" 1}', '[1,]', '"unterminated', '['.repeat(600)]) {
      expect(mask(bad)).toBeUndefined();
    }
  });

  it('handles escaped quotes and backslashes in strings and keys', () => {
    const out = mask('{"k\\"ey":"a\\\\","email":"x\\"y z@example.com"}', ['$["k\\"ey"]']);
    expect(JSON.parse(out?.body.toString() ?? '')).toEqual({ 'k"ey': '****', email: 'x"y ****' });
  });
});
