/**
 * Phone numbers. The rule that keeps ids, amounts and dates out: a bare run of digits is never a phone number.
 * A hit is one of
 * - international (E.164): `+`, a country code not starting with 0, then digits grouped by single spaces, dots,
 *   dashes or a parenthesised group, 8–15 digits in all (`+1 415 555 0100`, `+44 (20) 7946 0958`);
 * - North American: `(AAA) EEE-NNNN`, `AAA-EEE-NNNN`, `AAA.EEE.NNNN` or `AAA EEE NNNN` (one kind of separator),
 *   optionally after `1-`/`1 `, with area code and exchange starting with 2–9;
 * - national with a trunk prefix: `0` then 2–5 groups split by one kind of separator (space or dash), 10–11
 *   digits in all (`020 7946 0958`, `06 12 34 56 78`).
 * and stands alone: not inside a word, not after `.`/`-`/a digit, not followed by a letter, digit or `.`/`-` plus a
 * digit — so dates (`2024-01-02`), IPs, versions, UUIDs and dotted or dashed ids do not match.
 */
import { type Detector, type DetectorHit, eachMatch } from './detector';

const INTERNATIONAL = /(?<![\w+])\+[1-9](?:[ .-]?(?:\(\d{1,4}\)|\d)){6,16}(?![\w]|[.-]\d)/g;
const NANP =
  /(?<![\w.+-])(?:1[ .-])?(?:\([2-9]\d{2}\) ?[2-9]\d{2}[-. ]\d{4}|[2-9]\d{2}([-. ])[2-9]\d{2}\1\d{4})(?![\w]|[.-]\d)/g;
const TRUNK = /(?<![\w.+-])0\d{1,4}([ -])\d{2,4}(?:\1\d{2,4}){1,3}(?![\w]|[.-]\d)/g;

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) n++;
  return n;
}

/** One separator at most between digit groups (`+1  555` is two tokens, not a number). */
const DOUBLE_SEPARATOR = /[ .-]{2}/;

export const phoneDetector: Detector = {
  name: 'phone',
  features: 0,
  minDigits: 0,
  minSeparatedDigits: 8,
  scan(text: string, out: DetectorHit[]): void {
    eachMatch(INTERNATIONAL, text, (m) => {
      const digits = digitCount(m[0]);
      if (digits >= 8 && digits <= 15 && !DOUBLE_SEPARATOR.test(m[0])) {
        out.push({ start: m.index, end: m.index + m[0].length, detector: 'phone' });
      }
    });
    eachMatch(NANP, text, (m) => {
      out.push({ start: m.index, end: m.index + m[0].length, detector: 'phone' });
    });
    eachMatch(TRUNK, text, (m) => {
      const digits = digitCount(m[0]);
      if (digits >= 10 && digits <= 11) out.push({ start: m.index, end: m.index + m[0].length, detector: 'phone' });
    });
  },
};
