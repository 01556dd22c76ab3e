/**
 * US Social Security numbers. Written `AAA-GG-SSSS` or `AAA GG SSSS` (one kind of separator), or as nine bare
 * digits only when an SSN keyword (`ssn`, `social security`) comes shortly before: bare nine-digit runs are far
 * more often ids and ZIP+4 codes. Validated against the SSA's never-issued ranges: area 000, 666 and 900–999,
 * group 00, serial 0000.
 * @see https://www.ssa.gov/employer/randomization.html
 */
import { type Detector, type DetectorHit, eachMatch, Feature } from './detector';

const SEPARATED = /(?<![\w.-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w]|[.-]\d)/g;
const KEYWORDED = /(?:ssn|social[ _-]?security(?:[ _-]?(?:number|no))?)\W{1,12}?(\d{9})(?![\w]|[.-]\d)/dgi;

function validParts(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  return group !== '00' && serial !== '0000';
}

export const usSsnDetector: Detector = {
  name: 'us_ssn',
  features: Feature.ssnWord,
  minDigits: 0,
  minSeparatedDigits: 9,
  scan(text: string, out: DetectorHit[]): void {
    eachMatch(SEPARATED, text, (m) => {
      if (validParts(m[1] as string, m[3] as string, m[4] as string)) {
        out.push({ start: m.index, end: m.index + m[0].length, detector: 'us_ssn' });
      }
    });
    eachMatch(KEYWORDED, text, (m) => {
      const digits = m[1] as string;
      const span = m.indices?.[1];
      if (span && validParts(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5))) {
        out.push({ start: span[0], end: span[1], detector: 'us_ssn' });
      }
    });
  },
};
