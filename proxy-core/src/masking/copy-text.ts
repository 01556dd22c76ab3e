/**
 * COPY TO STDOUT row formats, as PostgreSQL writes them (copyto.c): text (delimiter-separated, `\N` nulls,
 * backslash escapes) and CSV (quote-delimited fields, doubled or escaped quotes, unquoted empty = NULL).
 * @see https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9
 */
import type { CopyFormat } from './masking.types';

export interface CopyField {
  /** The field as written (escaped / quoted), or the decoded value for CSV. */
  raw: string;
  /** null for SQL NULL. */
  value: string | null;
}

const TEXT_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const TEXT_ESCAPED: Record<string, string> = { '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v' };

/** Splits one text-format row (without its newline) on unescaped delimiters. */
export function splitTextRow(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\') i++;
    else if (ch === delimiter) {
      fields.push(line.slice(start, i));
      start = i + 1;
    }
  }
  fields.push(line.slice(start));
  return fields;
}

export function decodeTextField(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch !== '\\' || i + 1 >= raw.length) {
      out += ch;
      continue;
    }
    const next = raw[++i] as string;
    const octal = /^[0-7]{1,3}/.exec(raw.slice(i, i + 3))?.[0];
    const hex = next === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(raw.slice(i + 1, i + 3))?.[0] : undefined;
    if (octal) {
      out += String.fromCharCode(Number.parseInt(octal, 8));
      i += octal.length - 1;
    } else if (hex) {
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += hex.length;
    } else out += TEXT_ESCAPES[next] ?? next;
  }
  return out;
}

export function encodeTextField(value: string, delimiter: string): string {
  let out = '';
  for (const ch of value) {
    const escaped = TEXT_ESCAPED[ch]; // control characters first, as CopyAttributeOutText does
    if (escaped !== undefined) out += `\\${escaped}`;
    else if (ch === '\\' || ch === delimiter) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/** One CSV row starting at `from`; returns its fields and where the next row starts. */
export function parseCsvRow(text: string, from: number, format: CopyFormat): { fields: CopyField[]; next: number } {
  const { delimiter, quote, escape: escapeChar } = format;
  const fields: CopyField[] = [];
  let i = from;
  for (;;) {
    const start = i;
    let value = '';
    let quoted = false;
    while (i < text.length && text[i] !== delimiter && text[i] !== '\n') {
      const ch = text[i] as string;
      if (ch !== quote) {
        value += ch;
        i++;
        continue;
      }
      quoted = true;
      for (i++; i < text.length; i++) {
        const c = text[i] as string;
        if (c === escapeChar && (text[i + 1] === quote || (escapeChar !== quote && text[i + 1] === escapeChar))) {
          value += text[++i];
        } else if (c === quote) break;
        else value += c;
      }
      i++;
    }
    const raw = text.slice(start, i);
    fields.push({ raw, value: !quoted && raw === format.null ? null : value });
    if (i >= text.length || text[i] === '\n') return { fields, next: i + 1 };
    i++; // the delimiter
  }
}

export function encodeCsvField(value: string, format: CopyFormat): string {
  let out = format.quote;
  for (const ch of value) out += ch === format.quote || ch === format.escape ? format.escape + ch : ch;
  return out + format.quote;
}
