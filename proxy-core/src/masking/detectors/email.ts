/**
 * Email addresses. Anchored on `@` and expanded outwards (linear time, no regex backtracking over long words), then
 * validated: a local part of 1–64 of `A-Za-z0-9._%+-` without leading, trailing or doubled dots, and a domain of at
 * least two dot-separated labels (1–63 letters, digits or inner hyphens) ending in an alphabetic TLD.
 */
import { type Detector, type DetectorHit, Feature, isAlnumCode } from './detector';

function isLocalCode(c: number): boolean {
  return isAlnumCode(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45; // . _ % + -
}

function isDomainCode(c: number): boolean {
  return isAlnumCode(c) || c === 46 || c === 45;
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^[A-Za-z]{2,63}$/;

function validDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) if (!LABEL.test(label)) return false;
  return TLD.test(labels[labels.length - 1] as string);
}

function validLocal(local: string): boolean {
  return local.length > 0 && local.length <= 64 && !local.endsWith('.') && !local.includes('..');
}

/** Start of the local part before `at`, or -1 when it runs longer than 64 characters. */
function localStart(text: string, at: number): number {
  let s = at;
  while (s > 0 && isLocalCode(text.charCodeAt(s - 1))) {
    s--;
    if (at - s > 64) return -1;
  }
  while (s < at && text.charCodeAt(s) === 46) s++;
  return s;
}

function domainEnd(text: string, at: number): number {
  let e = at + 1;
  while (e < text.length && e - at <= 254 && isDomainCode(text.charCodeAt(e))) e++;
  while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
  return e;
}

export const emailDetector: Detector = {
  name: 'email',
  features: Feature.at,
  minDigits: 0,
  minSeparatedDigits: 0,
  scan(text: string, out: DetectorHit[]): void {
    let from = 0;
    for (let at = text.indexOf('@', from); at !== -1; at = text.indexOf('@', from)) {
      const s = localStart(text, at);
      const e = domainEnd(text, at);
      if (s !== -1 && validLocal(text.slice(s, at)) && validDomain(text.slice(at + 1, e))) {
        out.push({ start: s, end: e, detector: 'email' });
        from = e;
      } else {
        from = at + 1;
      }
    }
  },
};
