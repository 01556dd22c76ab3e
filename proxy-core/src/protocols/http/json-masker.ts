/**
 * Masking of a whole JSON body: values selected by a JSON path are replaced, and every other string (and number)
 * goes through the content detectors. Only the masked values are rewritten in the original text, so formatting,
 * key order and numbers beyond 2^53 reach the agent unchanged.
 */
import { maskValue, REDACTED } from '../../masking/mask-style';
import type { TextMasker } from './http-listener.types';
import { type JsonLocation, type JsonPath, matchesPath } from './json-path';
import type { MaskSpan } from './text-stream-masker';

export interface JsonMaskOptions {
  paths: readonly JsonPath[];
  style: 'redact' | 'partial';
  maskText?: TextMasker;
}

export interface MaskedBody {
  body: Buffer;
  /** Byte offsets in `body`. */
  spans: MaskSpan[];
  /** Masked values (a string with two detector hits counts twice). */
  count: number;
}

interface Replacement {
  start: number;
  end: number;
  text: string;
  rule: string;
  count: number;
}

/** Deeper documents are masked as text: the walk is recursive and must not exhaust the stack. */
const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The masked body, or undefined when `source` is not JSON (the caller masks it as text). */
export function maskJson(source: Buffer, opts: JsonMaskOptions): MaskedBody | undefined {
  const text = source.toString('utf8');
  const walker = new JsonWalker(text, opts);
  try {
    walker.run();
  } catch {
    return undefined;
  }
  if (walker.replacements.length === 0) return { body: source, spans: [], count: 0 };
  let out = '';
  let at = 0;
  let bytes = 0;
  let count = 0;
  const spans: MaskSpan[] = [];
  for (const r of walker.replacements) {
    const before = text.slice(at, r.start);
    bytes += Buffer.byteLength(before);
    const length = Buffer.byteLength(r.text);
    spans.push({ rule: r.rule, start: bytes, end: bytes + length });
    bytes += length;
    count += r.count;
    out += before + r.text;
    at = r.end;
  }
  return { body: Buffer.from(out + text.slice(at)), spans, count };
}

class JsonWalker {
  pos = 0;
  readonly replacements: Replacement[] = [];
  private readonly location: (string | number)[] = [];
  /** > 0 inside a value already masked whole: nothing within it is looked at. */
  private masked = 0;

  constructor(
    private readonly text: string,
    private readonly opts: JsonMaskOptions,
  ) {}

  run(): void {
    this.ws();
    this.value(0);
    this.ws();
    if (this.pos !== this.text.length) throw new SyntaxError('trailing characters');
  }

  private value(depth: number): void {
    if (depth > MAX_DEPTH) throw new SyntaxError('too deep');
    const start = this.pos;
    const rule = this.masked === 0 ? this.pathRule(this.location) : undefined;
    if (rule) this.masked++;
    const decoded = this.parseValue(depth);
    if (rule) {
      this.masked--;
      const replacement =
        this.opts.style === 'partial' && typeof decoded === 'string' ? maskValue(decoded, 'partial') : REDACTED;
      this.replacements.push({
        start,
        end: this.pos,
        text: JSON.stringify(replacement),
        rule: `json:${rule}`,
        count: 1,
      });
    } else if (this.masked === 0 && decoded !== undefined && this.opts.maskText) {
      const found = this.opts.maskText(decoded);
      const first = found.masks[0];
      if (first) {
        this.replacements.push({
          start,
          end: this.pos,
          text: JSON.stringify(found.text),
          rule: first.rule,
          count: found.masks.length,
        });
      }
    }
  }

  /** Parses the value at `pos`; returns the text of a string or number (what detectors look at), else undefined. */
  private parseValue(depth: number): string | undefined {
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return undefined;
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) throw new SyntaxError(`unexpected character at ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  private object(depth: number): undefined {
    this.pos++;
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return undefined;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') throw new SyntaxError('expected a member name');
      const key = this.string();
      this.ws();
      this.expect(':');
      this.ws();
      this.location.push(key);
      this.value(depth + 1);
      this.location.pop();
      if (this.next('}')) return undefined;
    }
  }

  private array(depth: number): undefined {
    this.pos++;
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return undefined;
    }
    for (let i = 0; ; i++) {
      this.location.push(i);
      this.value(depth + 1);
      this.location.pop();
      if (this.next(']')) return undefined;
    }
  }

  /** After a member or element: `,` (more follow, false) or the closing bracket (true). */
  private next(close: string): boolean {
    this.ws();
    const c = this.text[this.pos++];
    if (c === close) return true;
    if (c !== ',') throw new SyntaxError(`expected , or ${close}`);
    this.ws();
    return false;
  }

  private string(): string {
    const start = this.pos;
    let from = start + 1;
    let escaped = false;
    for (;;) {
      const quote = this.text.indexOf('"', from);
      if (quote < 0) throw new SyntaxError('unterminated string');
      let backslashes = 0;
      while (this.text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
      if (backslashes > 0) escaped = true;
      from = quote + 1;
      if (backslashes % 2 === 0) break;
    }
    this.pos = from;
    const raw = this.text.slice(start, from);
    if (!escaped && raw.indexOf('\\') < 0) return raw.slice(1, -1);
    return JSON.parse(raw) as string;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) throw new SyntaxError(`expected ${c}`);
    this.pos++;
  }

  private ws(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
      this.pos++;
    }
  }

  private pathRule(location: JsonLocation): string | undefined {
    for (const p of this.opts.paths) if (matchesPath(p, location)) return p.source;
    return undefined;
  }
}
