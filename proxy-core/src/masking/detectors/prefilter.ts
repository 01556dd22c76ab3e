/**
 * The hot path's fast reject: one pass over a value's bytes (no decoding, no allocation) that finds which detector
 * families could possibly hit. Most values — names, ids, timestamps, enum strings — have none of the features and
 * are never decoded or scanned (masking.bench.ts measures the difference).
 */
import { type Detector, Feature } from './detector';

/** Features packed with the digit count (capped at 255) in bits 8–15. */
export type Features = number;

export function digitsOf(features: Features): number {
  return features >>> 8;
}

const AKIA = 0x414b4941;
const ASIA = 0x41534941;
const DASHES = 0x2d2d2d2d;
const EYJ = 0x65794a;

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** What can end a key before `=` / `:`: a letter or digit, a quote, `_`, a space or a tab. */
function isKeyEnd(c: number): boolean {
  return (
    isDigit(c) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 34 ||
    c === 39 ||
    c === 95 ||
    c === 32 ||
    c === 9
  );
}

/** Step the rolling 4-byte window `w` with code `c` (an ASCII byte, or any code unit when scanning a string). */
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
    default:
      return f;
  }
}

export function byteFeatures(bytes: Uint8Array): Features {
  let f = 0;
  let digits = 0;
  let w = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    w = ((w << 8) | c) >>> 0;
    if (isDigit(c)) {
      digits++;
      if (isDigit((w >>> 8) & 0xff) && isUpper((w >>> 16) & 0xff) && isUpper(w >>> 24)) f |= Feature.iban;
    } else if (c < 97 || c > 122) {
      f = step(f, w, c);
    }
  }
  return f | (Math.min(digits, 255) << 8);
}

export function textFeatures(text: string): Features {
  let f = 0;
  let digits = 0;
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    w = ((w << 8) | (c & 0xff)) >>> 0;
    if (c > 0x7f) continue;
    if (isDigit(c)) {
      digits++;
      if (isDigit((w >>> 8) & 0xff) && isUpper((w >>> 16) & 0xff) && isUpper(w >>> 24)) f |= Feature.iban;
    } else {
      f = step(f, w, c);
    }
  }
  return f | (Math.min(digits, 255) << 8);
}

/** Whether `detector` can hit a text with these features. */
export function mayHit(detector: Detector, features: Features): boolean {
  if (detector.features === 0 && detector.minDigits === 0) return true;
  if ((features & detector.features) !== 0) return true;
  return detector.minDigits > 0 && digitsOf(features) >= detector.minDigits;
}

/** Whether any of `detectors` can hit. */
export function anyMayHit(detectors: readonly Detector[], features: Features): boolean {
  for (const d of detectors) if (mayHit(d, features)) return true;
  return false;
}
