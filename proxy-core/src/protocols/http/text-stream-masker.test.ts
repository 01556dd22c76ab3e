import { describe, expect, it } from 'vitest';
import { compileDetectors } from '../../masking/detectors/index';
import { detectorTextMasker } from './detector-text-masker';
import { type MaskSpan, maskTextStream } from './text-stream-masker';

const maskText = detectorTextMasker(compileDetectors(['email', 'aws_access_key']), 'redact');

async function run(chunks: string[], overlap = 32, delayMs = 0) {
  async function* source() {
    for (const c of chunks) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      yield Buffer.from(c, 'latin1');
    }
  }
  const spans: MaskSpan[] = [];
  const out: Buffer[] = [];
  for await (const b of maskTextStream(source(), {
    maskText,
    overlap,
    idleFlushMs: 20,
    onMasks: (s) => spans.push(...s),
  })) {
    out.push(b);
  }
  return { text: Buffer.concat(out).toString('latin1'), spans, pieces: out.length };
}

describe('maskTextStream', () => {
  it('masks secrets no longer than the overlap split across chunks at any point', async () => {
    const text = 'hello alice@example.com and AKIAIOSFODNN7EXAMPLE, bye. '.repeat(3);
    const expected = 'hello **** and ****, bye. '.repeat(3);
    for (let cut = 1; cut < text.length; cut += 7) {
      const got = await run([text.slice(0, cut), text.slice(cut, cut + 11), text.slice(cut + 11)]);
      expect(got.text).toBe(expected);
    }
  });

  it('reports spans as byte offsets in the output', async () => {
    const got = await run(['x'.repeat(40), ' bob@example.org ', 'y'.repeat(40)]);
    expect(got.spans).toEqual([{ rule: 'email', start: 41, end: 45 }]);
    expect(got.text.slice(41, 45)).toBe('****');
  });

  it('passes bytes that are not text through exactly', async () => {
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
    const got = await run([binary, binary]);
    expect(Buffer.from(got.text, 'latin1')).toEqual(Buffer.from(binary + binary, 'latin1'));
  });

  it('sends what it holds back when the source goes quiet (e.g. server-sent events)', async () => {
    async function* slow() {
      yield Buffer.from('data: one\n\n');
      await new Promise((r) => setTimeout(r, 200));
      yield Buffer.from('data: two\n\n');
    }
    const seen: number[] = [];
    const started = Date.now();
    for await (const _ of maskTextStream(slow(), { maskText, idleFlushMs: 20, onMasks: () => {} }))
      seen.push(Date.now() - started);
    expect(seen[0]).toBeLessThan(150);
  });
});
