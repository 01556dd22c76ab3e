/**
 * SASLprep (RFC 4013) of a password, tolerant the way libpq's `pg_saslprep` is: when the result
 * would contain a prohibited character, the password is used as it is instead of failing, since
 * the server did the same when it stored the SCRAM verifier.
 *
 * Not implemented, with the effect on a password that has such characters (never on ASCII ones):
 * - the bidirectional check (RFC 3454 §6): libpq falls back to the raw password for mixed
 *   right-to-left/left-to-right text, we normalize it;
 * - the Unicode 3.2 unassigned-code-point table (A.1): libpq falls back to the raw password when a
 *   character was assigned after Unicode 3.2 (most emoji), we normalize it with today's tables.
 * @see https://www.rfc-editor.org/rfc/rfc4013
 * @see https://www.postgresql.org/docs/current/sasl-authentication.html#SASL-SCRAM-SHA-256
 */
export function saslprep(password: string): string {
  if (isAscii(password)) return password;
  let mapped = '';
  for (const ch of password) {
    const cp = ch.codePointAt(0) as number;
    if (inRanges(cp, NON_ASCII_SPACE)) mapped += ' ';
    else if (!inRanges(cp, MAPPED_TO_NOTHING)) mapped += ch;
  }
  const normalized = mapped.normalize('NFKC');
  if (normalized === '') return password;
  for (const ch of normalized) {
    if (inRanges(ch.codePointAt(0) as number, PROHIBITED)) return password;
  }
  return normalized;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

type Ranges = readonly (readonly [number, number])[];

function inRanges(cp: number, ranges: Ranges): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** RFC 3454 C.1.2, mapped to SPACE (RFC 4013 §2.1). */
const NON_ASCII_SPACE: Ranges = [
  [0x00a0, 0x00a0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];

/** RFC 3454 B.1, removed (RFC 4013 §2.1). */
const MAPPED_TO_NOTHING: Ranges = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];

/** RFC 3454 C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9 (RFC 4013 §2.3). */
const PROHIBITED: Ranges = [
  [0x0000, 0x001f],
  [0x007f, 0x009f],
  [0x00a0, 0x00a0],
  [0x0340, 0x0341],
  [0x06dd, 0x06dd],
  [0x070f, 0x070f],
  [0x1680, 0x1680],
  [0x180e, 0x180e],
  [0x2000, 0x200f],
  [0x2028, 0x202f],
  [0x205f, 0x2063],
  [0x206a, 0x206f],
  [0x2ff0, 0x2ffb],
  [0x3000, 0x3000],
  [0xd800, 0xf8ff],
  [0xfdd0, 0xfdef],
  [0xfeff, 0xfeff],
  [0xfff9, 0xffff],
  [0x1d173, 0x1d17a],
  [0x1fffe, 0x1ffff],
  [0x2fffe, 0x2ffff],
  [0x3fffe, 0x3ffff],
  [0x4fffe, 0x4ffff],
  [0x5fffe, 0x5ffff],
  [0x6fffe, 0x6ffff],
  [0x7fffe, 0x7ffff],
  [0x8fffe, 0x8ffff],
  [0x9fffe, 0x9ffff],
  [0xafffe, 0xaffff],
  [0xbfffe, 0xbffff],
  [0xcfffe, 0xcffff],
  [0xdfffe, 0xdffff],
  [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
  [0xefffe, 0x10ffff],
];
