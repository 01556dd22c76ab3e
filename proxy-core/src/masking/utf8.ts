/** UTF-8 helpers for masking: values arrive and leave as bytes, detectors and styles work on strings. */
import type { TextRange } from './mask-style';

export const utf8Decoder = new TextDecoder('utf-8');

export function utf8Bytes(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** UTF-16 ranges of `text` (sorted) as UTF-8 byte ranges, plus `base`. One pass. */
export function utf8Ranges(text: string, ranges: readonly TextRange[], base = 0): TextRange[] {
  const out: TextRange[] = [];
  let bytes = base;
  let at = 0;
  const advance = (to: number) => {
    for (; at < to; at++) {
      const c = text.charCodeAt(at);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c <= 0xdbff && at + 1 < text.length) {
        bytes += 4; // a surrogate pair
        at++;
      } else bytes += 3;
    }
  };
  for (const r of ranges) {
    advance(r.start);
    const start = bytes;
    advance(r.end);
    out.push({ start, end: bytes });
  }
  return out;
}
