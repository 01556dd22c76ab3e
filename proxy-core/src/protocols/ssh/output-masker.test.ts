import { describe, expect, it } from 'vitest';
import { OutputMasker } from './output-masker';
import type { OutputMask } from './ssh.types';

/** Masks `SECRET` followed by digits, like a detector would. */
const secrets: OutputMask = (text) =>
  [...text.matchAll(/SECRET\d+/g)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    replacement: '****',
    rule: 'test',
  }));

function run(chunks: string[]): {
  out: string;
  spans: Array<{ start: number; end: number; rule: string; at: number }>;
} {
  const m = new OutputMasker(secrets);
  let out = '';
  const spans: Array<{ start: number; end: number; rule: string; at: number }> = [];
  for (const c of [...chunks.map((x) => m.push(Buffer.from(x))), m.flush()]) {
    for (const s of c.spans) spans.push({ ...s, at: Buffer.byteLength(out) });
    out += c.bytes.toString();
  }
  return { out, spans };
}

describe('OutputMasker', () => {
  it('masks a secret in one chunk and reports where it is in the bytes sent', () => {
    const m = new OutputMasker(secrets);
    const c = m.push(Buffer.from('key SECRET123 ok\n'));
    expect(c.bytes.toString()).toBe('key **** ok\n');
    expect(c.spans).toEqual([{ start: 4, end: 8, rule: 'test' }]);
  });

  it('masks a secret split across chunks (at the start, middle and end of a chunk)', () => {
    expect(run(['key SEC', 'RET12', '3 ok\n']).out).toBe('key **** ok\n');
    expect(run(['SECRET1', '23\nnext']).out).toBe('****\nnext');
    expect(run(['a\n', 'SECRET9']).out).toBe('a\n****');
  });

  it('lets output up to the last whitespace through at once (prompts show)', () => {
    const m = new OutputMasker(secrets);
    expect(m.push(Buffer.from('root@host:~# ')).bytes.toString()).toBe('root@host:~# ');
    expect(m.holding).toBe(false);
    expect(m.push(Buffer.from('ech')).bytes.toString()).toBe('');
    expect(m.holding).toBe(true);
    expect(m.flush().bytes.toString()).toBe('ech');
  });

  it('finds secrets wrapped in escape sequences and keeps the sequences', () => {
    const r = run(['\x1b[1mSECRET42\x1b[0m done\n']);
    expect(r.out).toBe('\x1b[1m****\x1b[0m done\n');
    expect(r.spans[0]).toMatchObject({ start: 4, end: 8 });
    expect(run(['x \x1b[3', '1mSECRET7 y\n']).out).toBe('x \x1b[31m**** y\n');
    expect(run(['SECR\x1b[1mET55 z\n']).out).toBe('****\x1b[1m z\n');
  });

  it('keeps a PEM block together until its END line', () => {
    const m = new OutputMasker((text) => {
      const s = text.indexOf('-----BEGIN');
      const e = text.indexOf('-----END KEY-----');
      return s >= 0 && e > s ? [{ start: s, end: e + 17, replacement: '[key]', rule: 'private_key' }] : [];
    });
    let out = m.push(Buffer.from('before\n-----BEGIN KEY-----\nAAAA\n')).bytes.toString();
    out += m.push(Buffer.from('BBBB\n-----END KEY-----\nafter\n')).bytes.toString();
    expect(out).toBe('before\n[key]\nafter\n');
  });

  it('passes bytes that are not UTF-8 through unchanged', () => {
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x20, 0xc3, 0x0a, 0x1b, 0x5b, 0xe2, 0x82]);
    const m = new OutputMasker(secrets);
    expect(
      Buffer.concat([m.push(binary.subarray(0, 5)).bytes, m.push(binary.subarray(5)).bytes, m.flush().bytes]),
    ).toEqual(binary);
  });

  it('does not split UTF-8 characters across chunks', () => {
    const bytes = Buffer.from('héllo SECRET1 wörld\n');
    const m = new OutputMasker(secrets);
    const a = m.push(bytes.subarray(0, 2));
    const b = m.push(bytes.subarray(2));
    expect(Buffer.concat([a.bytes, b.bytes, m.flush().bytes]).toString()).toBe('héllo **** wörld\n');
  });
});
