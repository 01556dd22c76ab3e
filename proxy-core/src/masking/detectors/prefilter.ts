/**
 * The hot path's fast reject: one pass over a value's bytes (no decoding, no allocation) that finds which detector
 * families could possibly hit. Most values — names, ids, hashes, timestamps, enum strings — have none of the
 * features and are never decoded or scanned (masking.bench.ts measures the difference).
 *
 * Every feature is a necessary condition of a detector's patterns, so the prefilter may let through a text no
 * detector hits but never holds back one a detector would hit (detectors.test.ts checks this on random texts).
 */
import { type Detector, Feature } from './detector';

/**
 * Flags in bits 0–7, then (each capped at 255) the digits of the longest digit group in bits 8–15 and of the longest
 * separated digit group in bits 16–23 (detector.ts defines both).
 */
export type Features = number;

export function groupDigitsOf(features: Features): number {
  return (features >>> 8) & 0xff;
}

export function separatedDigitsOf(features: Features): number {
  return (features >>> 16) & 0xff;
}

const AKIA = 0x414b4941;
const ASIA = 0x41534941;
const DASHES = 0x2d2d2d2d;
const EYJ = 0x65794a;
/** `SSN` and `CIAL` with the case bit cleared. */
const SSN = 0x53534e;
const CIAL = 0x4349414c;
const UPPER = 0xdfdfdfdf;
/** The most separators between two digits of one group (`) (` between parenthesised groups of a phone number). */
const MAX_GAP = 3;

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** What can end a key before `=` / `:`: a letter or digit, a quote, `_`, a space, a tab or a backslash (COPY). */
function isKeyEnd(c: number): boolean {
  return (
    isDigit(c) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 34 ||
    c === 39 ||
    c === 95 ||
    c === 32 ||
    c === 9 ||
    c === 92
  );
}

/** Step the flags with the rolling 4-byte window `w` ending in code `c`, which is not a digit. */
function step(f: number, w: number, c: number): number {
  switch (c) {
    case 64: // @
      return f | Feature.at;
    case 45: // -
      return w === DASHES ? f | Feature.dashes : f;
    case 74: // J
      return (w & 0xffffff) === EYJ ? f | Feature.jwt : f;
    case 65: // A
      return w === AKIA || w === ASIA ? f | Feature.awsKeyId : f;
    case 58: // :
    case 61: // =
      return isKeyEnd((w >>> 8) & 0xff) ? f | Feature.assign : f;
    case 78: // N
    case 110: // n
      return (w & UPPER & 0xffffff) === SSN ? f | Feature.ssnWord : f;
    case 76: // L
    case 108: // l
      return (w & UPPER) === CIAL ? f | Feature.ssnWord : f;
    default:
      return f;
  }
}

/**
 * What a byte does to the scan. Digits and plain bytes, nearly all of most values, take a branch-free step (the
 * two alternate at random in hashes and ids, where branches mispredict); the rest take a slower one.
 */
const PLAIN = 0; // ends a digit group, no feature (lower-case letters, most punctuation, control and non-ASCII bytes)
const DIGIT = 1;
const SEPARATOR = 2; // may sit inside a digit group
const BACKSLASH = 3; // COPY's escape: neither ends a group nor counts as a separator
const SIGN = 4; // ends a digit group and may set a flag (see `step`): upper-case letters, `@ : = + l n`
const KIND = new Uint8Array(256).fill(PLAIN);
for (let c = 48; c <= 57; c++) KIND[c] = DIGIT;
for (let c = 65; c <= 90; c++) KIND[c] = SIGN;
for (const c of ' ().-') KIND[c.charCodeAt(0)] = SEPARATOR;
KIND[92] = BACKSLASH;
for (const c of '@:=+ln') KIND[c.charCodeAt(0)] = SIGN;

/** The four bytes ending at `i` (not before `start`), newest lowest: what `step` looks back on. */
function windowAt(bytes: Uint8Array, start: number, i: number): number {
  let w = 0;
  for (let k = Math.max(start, i - 3); k <= i; k++) w = (w << 8) | (bytes[k] as number);
  return w;
}

/** The features of `bytes[start, end)`. */
export function byteFeatures(bytes: Uint8Array, start = 0, end = bytes.length): Features {
  let f = 0;
  /** Digits in the current group (0 outside one), and separators since its last digit. */
  let group = 0;
  let gap = 0;
  /** 1 when the current group is separated; `pending` makes the next digit's group so (a separator, a `+`). */
  let separated = 0;
  let pending = 0;
  let maxGroup = 0;
  let maxSeparated = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    const kind = KIND[c] as number;
    if (kind <= DIGIT) {
      // A digit (kind 1) extends or starts the group, a plain byte (kind 0) ends it.
      group = (group + 1) * kind;
      separated = (separated | pending) * kind;
      pending = 0;
      gap = 0;
      if (group > maxGroup) maxGroup = group;
      if (group * separated > maxSeparated) maxSeparated = group;
      continue;
    }
    if (kind === SEPARATOR) {
      if (group > 0 && gap < MAX_GAP) {
        gap++;
        pending = 1;
      } else {
        group = separated = pending = 0;
      }
      if (c === 45) f = step(f, windowAt(bytes, start, i), c);
    } else if (kind === SIGN) {
      group = separated = 0;
      pending = c === 43 ? 1 : 0; // `+`: the next digit starts a separated group
      const w = windowAt(bytes, start, i);
      f = step(f, w, c);
      // An IBAN's `DE89`: this capital, one before it, then two digits.
      if (
        isUpper(c) &&
        isUpper((w >>> 8) & 0xff) &&
        i + 2 < end &&
        isDigit(bytes[i + 1] as number) &&
        isDigit(bytes[i + 2] as number)
      )
        f |= Feature.iban;
    }
  }
  return f | (Math.min(maxGroup, 255) << 8) | (Math.min(maxSeparated, 255) << 16);
}

/** Where `textFeatures` encodes a string (reused: COPY masking asks once per field). */
const scratch = Buffer.allocUnsafe(64 * 1024);

/** The features of a string: those of its UTF-8 bytes. */
export function textFeatures(text: string): Features {
  // At most 3 bytes per UTF-16 unit: a text that could overflow the scratch buffer is encoded on its own.
  if (text.length * 3 > scratch.length) return byteFeatures(Buffer.from(text, 'utf8'));
  return byteFeatures(scratch, 0, scratch.write(text, 'utf8'));
}

/** Whether `detector` can hit a text with these features. */
export function mayHit(detector: Detector, features: Features): boolean {
  const { minDigits, minSeparatedDigits } = detector;
  if (detector.features === 0 && minDigits === 0 && minSeparatedDigits === 0) return true;
  if ((features & detector.features) !== 0) return true;
  if (minDigits > 0 && groupDigitsOf(features) >= minDigits) return true;
  return minSeparatedDigits > 0 && separatedDigitsOf(features) >= minSeparatedDigits;
}

/** Whether any of `detectors` can hit, as one test built once per detector list (`mayHit` folded together). */
export function anyMayHitOf(detectors: readonly Detector[]): (features: Features) => boolean {
  if (detectors.some((d) => d.features === 0 && d.minDigits === 0 && d.minSeparatedDigits === 0)) return () => true;
  let flags = 0;
  let minGroup = 256;
  let minSeparated = 256;
  for (const d of detectors) {
    flags |= d.features;
    if (d.minDigits > 0) minGroup = Math.min(minGroup, d.minDigits);
    if (d.minSeparatedDigits > 0) minSeparated = Math.min(minSeparated, d.minSeparatedDigits);
  }
  return (f) => (f & flags) !== 0 || groupDigitsOf(f) >= minGroup || separatedDigitsOf(f) >= minSeparated;
}
