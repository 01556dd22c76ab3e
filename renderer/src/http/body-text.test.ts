import { describe, expect, it } from 'vitest';
import { bodyView, reindentJson, segment } from './body-text';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('reindentJson', () => {
  it('indents by two spaces and changes only whitespace outside strings', () => {
    const src = '{"a": [1, {"b": "x, {y}"}], "e": {}, "f": [ ]}';
    const { text } = reindentJson(src) ?? { text: '' };
    expect(text).toBe(JSON.stringify(JSON.parse(src), null, 2));
  });

  it('maps every input character to where it went', () => {
    const src = '{"k":"v"}';
    const out = reindentJson(src);
    expect(out?.text).toBe('{\n  "k": "v"\n}');
    // "v" (input 5..8) lands at 9..12.
    expect(out?.text.slice(out.offsets[5], (out.offsets[7] ?? 0) + 1)).toBe('"v"');
  });

  it('refuses what is not JSON', () => {
    expect(reindentJson('{"a": ')).toBeNull();
  });
});

describe('segment', () => {
  it('marks masked spans and keeps the rest as plain text', () => {
    expect(segment('abcdef', [{ start: 2, end: 4, rule: 'r' }])).toEqual([
      { text: 'ab' },
      { text: 'cd', mask: 'r' },
      { text: 'ef' },
    ]);
  });

  it('merges overlaps and clamps spans outside the text', () => {
    expect(
      segment('abcdef', [
        { start: 4, end: 99, rule: 'b' },
        { start: 1, end: 5, rule: 'a' },
      ]),
    ).toEqual([{ text: 'a' }, { text: 'bcde', mask: 'a' }, { text: 'f', mask: 'b' }]);
  });
});

describe('bodyView', () => {
  it('pretty-prints JSON with the masked values still marked', () => {
    const body = '{"email":"j***@example.com","id":7}';
    const start = body.indexOf('"j***');
    const end = start + '"j***@example.com"'.length;
    const view = bodyView(bytes(body), 'application/json; charset=utf-8', [{ start, end, rule: 'json:$.email' }]);
    expect(view.kind).toBe('text');
    if (view.kind !== 'text') return;
    expect(view.json).toBe(true);
    expect(view.segments.map((s) => s.text).join('')).toBe('{\n  "email": "j***@example.com",\n  "id": 7\n}');
    expect(view.segments.filter((s) => s.mask)).toEqual([{ text: '"j***@example.com"', mask: 'json:$.email' }]);
  });

  it('counts mask offsets in bytes, not characters', () => {
    const body = '{"name":"Zoë","key":"[redacted]"}';
    const raw = bytes(body);
    const start = new TextEncoder().encode(body.slice(0, body.indexOf('[redacted]'))).length;
    const view = bodyView(raw, 'text/plain', [{ start, end: start + 10, rule: 'aws_access_key' }]);
    expect(view.kind === 'text' && view.segments.find((s) => s.mask)?.text).toBe('[redacted]');
  });

  it('shows truncated JSON as text, binary types as binary, and nothing as empty', () => {
    expect(bodyView(bytes('{"a": [1, 2'), 'application/json', [])).toMatchObject({ kind: 'text', json: false });
    expect(bodyView(new Uint8Array([0, 1, 2]), 'application/octet-stream', [])).toEqual({ kind: 'binary', size: 3 });
    expect(bodyView(new Uint8Array([0, 1, 2]), null, [])).toEqual({ kind: 'binary', size: 3 });
    expect(bodyView(new Uint8Array(0), 'application/json', [])).toEqual({ kind: 'empty' });
  });
});
