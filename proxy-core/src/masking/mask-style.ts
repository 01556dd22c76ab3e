/**
 * Mask styles (DESIGN.md `masking.style`):
 * - `redact`: the value becomes `****`. Short, the same for every rule, and it names nothing: which rule masked
 *   what goes into the recording's annotation, not to the agent.
 * - `partial`: letters and digits become `*` except the last `keep` (default 4); separators (spaces, `-`, `.`, `@`,
 *   parentheses…) stay, so `4111 1111 1111 1234` reads `**** **** **** 1234`. Never more than half of a value's
 *   letters and digits are kept, so short values are not given away. Backslash escapes (`\n`, `\"`, `\u00e9`)
 *   count as separators, so a masked JSON string stays valid JSON.
 * - `hash`: `h:` + the first 16 hex digits (64 bits) of HMAC-SHA-256 under the gateway's masking key. Equal values
 *   give equal hashes in every column and session using the key, so joins and GROUP BY on the client still work;
 *   without the key the hash cannot be reversed by guessing (SSNs and phone numbers are easy to enumerate).
 */
import { createHmac } from 'node:crypto';
import type { MaskStyleName } from './masking.types';

export const REDACTED = '****';
export const DEFAULT_PARTIAL_KEEP = 4;

export type MaskStyle = MaskStyleName | { name: MaskStyleName; keep?: number };

export interface TextRange {
  start: number;
  end: number;
}

export function styleNameOf(style: MaskStyle): MaskStyleName {
  return typeof style === 'string' ? style : style.name;
}

const WORD = /[\p{L}\p{N}]/u;

function isWordChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return WORD.test(ch);
}

/** Lengths of backslash escapes at each index (`\n` 2, `\u00e9` 6): kept like separators so JSON stays valid. */
function escapeLength(chars: readonly string[], i: number): number {
  if (chars[i] !== '\\' || i + 1 >= chars.length) return 0;
  const hex = chars.slice(i + 2, i + 6);
  return chars[i + 1] === 'u' && hex.length === 4 && hex.every((c) => /^[0-9a-fA-F]$/.test(c)) ? 6 : 2;
}

/** ASCII values without escapes (nearly all masked cells): the same result without splitting into code points. */
function partialAscii(value: string, keep: number): string | undefined {
  const n = value.length;
  let words = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80 || c === 0x5c) return undefined;
    if (isAsciiWord(c)) words++;
  }
  // Keep the last `visible` word characters; every word character before them becomes '*'.
  let visible = Math.min(keep, Math.floor(words / 2));
  let cut = n;
  while (visible > 0 && cut > 0) {
    cut--;
    if (isAsciiWord(value.charCodeAt(cut))) visible--;
  }
  return value.slice(0, cut).replace(ASCII_WORD_CHARS, '*') + value.slice(cut);
}

const ASCII_WORD_CHARS = /[0-9A-Za-z]/g;

function isAsciiWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function partial(value: string, keep: number): string {
  if (value.length <= 4096) {
    const fast = partialAscii(value, keep);
    if (fast !== undefined) return fast;
  }
  const chars = Array.from(value);
  const fixed = new Uint8Array(chars.length);
  let words = 0;
  for (let i = 0; i < chars.length; i++) {
    const escaped = escapeLength(chars, i);
    if (escaped > 0) {
      fixed.fill(1, i, i + escaped);
      i += escaped - 1;
    } else if (isWordChar(chars[i] as string)) words++;
    else fixed[i] = 1;
  }
  const visible = Math.min(keep, Math.floor(words / 2));
  let shown = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (fixed[i] === 1) continue;
    if (shown < visible) shown++;
    else chars[i] = '*';
  }
  return chars.join('');
}

/** `value` as a string is hashed as its UTF-8 bytes, so both forms of one value give one hash. */
export function hashValue(value: string | Uint8Array, key: Uint8Array): string {
  const hmac = createHmac('sha256', key);
  if (typeof value === 'string') hmac.update(value, 'utf8');
  else hmac.update(value);
  return `h:${hmac.digest('hex').slice(0, 16)}`;
}

/**
 * `partialAscii` on bytes, in place: false (and nothing changed) unless every byte is ASCII and none is a
 * backslash. The masked value has the length of the original, so it can stay where it is.
 */
function partialAsciiInPlace(bytes: Uint8Array, start: number, end: number, keep: number): boolean {
  let words = 0;
  for (let i = start; i < end; i++) {
    const k = BYTE_CLASS[bytes[i] as number] as number;
    if (k === NOT_ASCII) return false;
    words += k;
  }
  // Every word byte but the last `keep` (at most half of them) becomes '*'.
  let hidden = words - Math.min(keep, Math.floor(words / 2));
  for (let i = start; hidden > 0; i++) {
    if (BYTE_CLASS[bytes[i] as number] === WORD_BYTE) {
      bytes[i] = 0x2a;
      hidden--;
    }
  }
  return true;
}

/** Per byte: 1 for an ASCII letter or digit, 0 for another ASCII byte, 2 for a backslash or a non-ASCII byte. */
const WORD_BYTE = 1;
const NOT_ASCII = 2;
const BYTE_CLASS = new Uint8Array(256).map((_, c) => (c >= 0x80 || c === 0x5c ? NOT_ASCII : isAsciiWord(c) ? 1 : 0));

/**
 * Masks the value `bytes[start, end)` where it is, the same as `maskValue` would, when the masked form has the
 * original's length: `partial` on ASCII values without backslash escapes (nearly all masked cells). False, with
 * nothing changed, otherwise.
 */
export function maskInPlace(bytes: Uint8Array, start: number, end: number, style: MaskStyle): boolean {
  if (styleNameOf(style) !== 'partial' || end - start > 4096) return false;
  return partialAsciiInPlace(
    bytes,
    start,
    end,
    (typeof style === 'object' ? style.keep : undefined) ?? DEFAULT_PARTIAL_KEEP,
  );
}

function isAscii(src: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((src[i] as number) >= 0x80) return false;
  return true;
}

const REDACTED_BYTES = new TextEncoder().encode(REDACTED);

/**
 * The masked form of the value `src[start, end)` as bytes, the same as `maskValue` gives, without decoding it, for
 * `redact` and for `hash` of an ASCII value — or undefined: then use `maskValue` (or first `maskInPlace`). The
 * result may be shared: read it, do not change it.
 */
export function maskAsciiBytes(
  src: Uint8Array,
  start: number,
  end: number,
  style: MaskStyle,
  key?: Uint8Array,
): Uint8Array | undefined {
  switch (styleNameOf(style)) {
    case 'redact':
      return REDACTED_BYTES;
    case 'partial':
      return undefined;
    case 'hash': {
      if (key === undefined || key.length === 0) throw new Error('the hash mask style needs a key');
      if (!isAscii(src, start, end)) return undefined;
      return Buffer.from(hashValue(src.subarray(start, end), key), 'latin1');
    }
  }
}

/** The masked form of a whole value. `key` is required for `hash`. */
export function maskValue(value: string, style: MaskStyle, key?: Uint8Array): string {
  switch (styleNameOf(style)) {
    case 'redact':
      return REDACTED;
    case 'partial':
      return partial(value, (typeof style === 'object' ? style.keep : undefined) ?? DEFAULT_PARTIAL_KEEP);
    case 'hash':
      if (key === undefined || key.length === 0) throw new Error('the hash mask style needs a key');
      return hashValue(value, key);
  }
}

/**
 * `text` with each span (sorted, non-overlapping, UTF-16 offsets as `scanText` returns them) replaced by its
 * masked form; `ranges` are where the replacements are in the result. `wrap` can adapt a replacement to where it
 * lands (json-text.ts quotes replacements that fall outside JSON strings).
 */
export function maskTextWithRanges(
  text: string,
  spans: readonly TextRange[],
  style: MaskStyle,
  key?: Uint8Array,
  wrap?: (masked: string, span: TextRange) => string,
): { text: string; ranges: TextRange[] } {
  let out = '';
  let at = 0;
  const ranges: TextRange[] = [];
  for (const span of spans) {
    if (span.start < at) continue; // overlapping input: the earlier span already covers it
    const masked = maskValue(text.slice(span.start, span.end), style, key);
    const replacement = wrap ? wrap(masked, span) : masked;
    out += text.slice(at, span.start);
    ranges.push({ start: out.length, end: out.length + replacement.length });
    out += replacement;
    at = span.end;
  }
  return { text: out + text.slice(at), ranges };
}

/** `text` with each span replaced by its masked form. */
export function maskText(text: string, spans: readonly TextRange[], style: MaskStyle, key?: Uint8Array): string {
  return spans.length === 0 ? text : maskTextWithRanges(text, spans, style, key).text;
}
