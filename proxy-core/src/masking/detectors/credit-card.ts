/**
 * Payment card numbers: 13–19 digits, optionally grouped by single spaces or dashes (one kind of separator per
 * number), starting with 2–6 (Mastercard 2-series, Amex/Diners/JCB, Visa, Mastercard/Maestro, Discover/UnionPay),
 * Luhn-valid and not all one digit. The number must stand alone: not inside a word, not after `.`/`-` or a digit,
 * not followed by a letter, digit or a decimal part — so order ids like `ORD-4111111111111111`, decimals and
 * dotted numbers (IPs, versions) are not cards. When the whole run fails, shorter runs of its leading groups are
 * tried, so a card followed by another number group is still found.
 */
import { type Detector, type DetectorHit, eachMatch } from './detector';
import { luhnValid } from './luhn';

const CANDIDATE = /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w]|[.,]\d)/g;
const SAME_DIGIT = /^(\d)\1+$/;

function validNumber(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  if (first < 2 || first > 6) return false;
  return !SAME_DIGIT.test(digits) && luhnValid(digits);
}

/** Length (in characters of `candidate`) of the longest valid card made of its leading groups, or 0. */
function validPrefixLength(candidate: string): number {
  const separator = /[ -]/.exec(candidate)?.[0];
  if (separator === undefined) return validNumber(candidate) ? candidate.length : 0;
  const groups = candidate.split(separator);
  if (groups.some((g) => g.length === 0 || /\D/.test(g))) return 0; // mixed separators
  for (let k = groups.length; k >= 2; k--) {
    const digits = groups.slice(0, k).join('');
    if (validNumber(digits)) return digits.length + k - 1;
  }
  return 0;
}

export const creditCardDetector: Detector = {
  name: 'credit_card',
  features: 0,
  minDigits: 13,
  minSeparatedDigits: 0,
  scan(text: string, out: DetectorHit[]): void {
    eachMatch(CANDIDATE, text, (m) => {
      const length = validPrefixLength(m[0]);
      if (length > 0) out.push({ start: m.index, end: m.index + length, detector: 'credit_card' });
    });
  },
};
