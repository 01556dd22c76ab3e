/**
 * International Bank Account Numbers (ISO 13616): a country code from the registry below, two check digits and a
 * BBAN, upper case, optionally grouped by single spaces. The candidate is cut to exactly the registered length of
 * its country (so words after an IBAN are never swallowed) and must pass the mod-97 check.
 * @see https://www.swift.com/standards/data-standards/iban (IBAN registry)
 */
import { type Detector, type DetectorHit, eachMatch, Feature, isAlnumCode } from './detector';

/** Registered IBAN lengths by country (SWIFT IBAN registry). */
const IBAN_LENGTH: ReadonlyMap<string, number> = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ' +
    'ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 ' +
    'LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 ' +
    'QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30'
  )
    .split(' ')
    .map((entry): [string, number] => [entry.slice(0, 2), Number(entry.slice(2))]),
);

const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g;

/** ISO 7064 mod 97-10 over the rearranged IBAN (letters as 10–35), in chunks that stay within safe integers. */
export function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    const value = c <= 57 ? c - 48 : c - 55;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/** End index (in `text`) after exactly `length` alphanumerics from `start`, or -1 if the run stops short. */
function endAfter(text: string, start: number, length: number): number {
  let count = 0;
  let i = start;
  while (i < text.length && count < length) {
    const c = text.charCodeAt(i);
    if (isAlnumCode(c)) count++;
    else if (c !== 32 || !isAlnumCode(text.charCodeAt(i + 1))) return -1;
    i++;
  }
  return count === length ? i : -1;
}

function validEnd(text: string, start: number, length: number | undefined): number {
  if (length === undefined) return -1;
  const end = endAfter(text, start, length);
  if (end === -1 || isAlnumCode(text.charCodeAt(end))) return -1;
  return ibanChecksumValid(text.slice(start, end).replaceAll(' ', '')) ? end : -1;
}

export const ibanDetector: Detector = {
  name: 'iban',
  features: Feature.iban,
  minDigits: 0,
  minSeparatedDigits: 0,
  scan(text: string, out: DetectorHit[]): void {
    eachMatch(CANDIDATE, text, (m) => {
      const end = validEnd(text, m.index, IBAN_LENGTH.get(m[0].slice(0, 2)));
      if (end === -1) {
        CANDIDATE.lastIndex = m.index + 1; // an IBAN may start later inside this candidate
        return;
      }
      out.push({ start: m.index, end, detector: 'iban' });
      CANDIDATE.lastIndex = end;
    });
  },
};
