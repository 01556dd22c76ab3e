import type { OutputMask } from './ssh.types';

/** A masked span in the bytes handed out: UTF-8 byte offsets, for the recording's overlay annotation. */
export interface MaskedSpan {
  start: number;
  end: number;
  rule: string;
}

export interface MaskedChunk {
  bytes: Buffer;
  spans: MaskedSpan[];
}

/** Longest run without whitespace held back waiting for the rest of a possible secret. */
const MAX_HELD_WORD = 4096;
/** A PEM block is held until its END line, up to this size. */
const MAX_HELD_PEM = 16 * 1024;

/**
 * Masks secrets in a stream of terminal output. Output arrives in arbitrary chunks, so a secret may be split
 * between two: the trailing run of non-whitespace (and an unfinished PEM block) is held back until more output
 * comes or `flush()` is called (the caller flushes after a short idle time, so prompts still show). Escape
 * sequences (colours, cursor movement) are taken out before detection and put back after, so `\e[1mAKIA…` is
 * found; a sequence inside a masked value is kept after the replacement. Bytes are read as Latin-1 (one char per
 * byte), so output that is not UTF-8 (`tar c | …`, images) passes unchanged wherever nothing is masked; the
 * detectors look for ASCII secrets; a replacement is written as UTF-8. Pure: no timers, no I/O.
 */
export class OutputMasker {
  private held = '';

  constructor(private readonly mask: OutputMask) {}

  push(chunk: Uint8Array): MaskedChunk {
    const text = this.held + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    const cut = safeCut(text);
    this.held = text.slice(cut);
    return this.maskText(text.slice(0, cut));
  }

  /** Everything held, masked as it is. */
  flush(): MaskedChunk {
    const text = this.held;
    this.held = '';
    return this.maskText(text);
  }

  get holding(): boolean {
    return this.held.length > 0;
  }

  private maskText(text: string): MaskedChunk {
    if (text === '') return { bytes: Buffer.alloc(0), spans: [] };
    const { plain, toRaw } = stripEscapes(text);
    const found = this.mask(plain);
    if (found.length === 0) return { bytes: Buffer.from(text, 'latin1'), spans: [] };
    const parts: Buffer[] = [];
    let length = 0;
    const add = (b: Buffer) => {
      parts.push(b);
      length += b.length;
    };
    let at = 0;
    const spans: MaskedSpan[] = [];
    for (const span of [...found].sort((a, b) => a.start - b.start)) {
      const rawStart = toRaw(span.start);
      const rawEnd = span.end >= plain.length ? text.length : toRaw(span.end);
      if (rawStart < at) continue;
      add(Buffer.from(text.slice(at, rawStart), 'latin1'));
      const start = length;
      add(Buffer.from(span.replacement, 'utf8'));
      spans.push({ start, end: length, rule: span.rule });
      add(Buffer.from(escapesIn(text.slice(rawStart, rawEnd)), 'latin1'));
      at = rawEnd;
    }
    add(Buffer.from(text.slice(at), 'latin1'));
    return { bytes: Buffer.concat(parts, length), spans };
  }
}

/** Where `text` can be cut without splitting a word, an escape sequence or a PEM block. */
function safeCut(text: string): number {
  let cut = text.length;
  const unfinished = unfinishedEscapeStart(text);
  if (unfinished >= 0) cut = unfinished;
  let ws = cut - 1;
  while (ws >= 0 && !isSpace(text.charCodeAt(ws))) ws--;
  if (cut - (ws + 1) <= MAX_HELD_WORD) cut = ws + 1;
  const begin = text.lastIndexOf('-----BEGIN');
  if (begin >= 0 && begin < cut && !text.includes('-----END', begin) && text.length - begin <= MAX_HELD_PEM)
    cut = begin;
  // Never hold more than a PEM block (an escape sequence that never ends, in binary output).
  return text.length - cut > MAX_HELD_PEM ? text.length : cut;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

const ESC = 0x1b;

/**
 * Length of the escape sequence at `i`: CSI (ESC [ … final), OSC / DCS / APC / PM / SOS (… BEL or ESC \), or a
 * two-byte ESC x; 0 when `text` ends inside it.
 * @see ECMA-48 §5.3–5.6
 */
function escapeLength(text: string, i: number): number {
  const second = text[i + 1];
  if (second === undefined) return 0;
  if (second === '[') {
    for (let j = i + 2; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c >= 0x40 && c <= 0x7e) return j - i + 1;
    }
    return 0;
  }
  if (second === ']' || second === 'P' || second === '_' || second === '^' || second === 'X') {
    for (let j = i + 2; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x07) return j - i + 1;
      if (c === ESC && text[j + 1] === '\\') return j - i + 2;
    }
    return 0;
  }
  return 2;
}

function unfinishedEscapeStart(text: string): number {
  const last = text.lastIndexOf('\x1b');
  if (last < 0) return -1;
  return escapeLength(text, last) === 0 ? last : -1;
}

/** The text without escape sequences, and a map from a plain index to the index in `text`. */
function stripEscapes(text: string): { plain: string; toRaw: (i: number) => number } {
  if (!text.includes('\x1b')) return { plain: text, toRaw: (i) => i };
  let plain = '';
  const rawIndex: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text.charCodeAt(i) === ESC) {
      i += escapeLength(text, i) || text.length - i;
      continue;
    }
    rawIndex.push(i);
    plain += text[i];
    i++;
  }
  rawIndex.push(text.length);
  return { plain, toRaw: (i) => rawIndex[i] ?? text.length };
}

function escapesIn(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text.charCodeAt(i) === ESC) {
      const len = escapeLength(text, i) || text.length - i;
      out += text.slice(i, i + len);
      i += len;
    } else i++;
  }
  return out;
}
