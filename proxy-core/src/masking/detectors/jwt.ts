/**
 * JSON Web Tokens (RFC 7519) in compact JWS form: three base64url parts separated by dots (the signature may be
 * empty for `alg: none`), whose header decodes to a JSON object with a string `alg`.
 */
import { type Detector, type DetectorHit, eachMatch, Feature } from './detector';

const CANDIDATE = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_-])/g;

function headerHasAlg(part: string): boolean {
  try {
    const header: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

export const jwtDetector: Detector = {
  name: 'jwt',
  features: Feature.jwt,
  minDigits: 0,
  minSeparatedDigits: 0,
  scan(text: string, out: DetectorHit[]): void {
    eachMatch(CANDIDATE, text, (m) => {
      if (headerHasAlg(m[0].slice(0, m[0].indexOf('.')))) {
        out.push({ start: m.index, end: m.index + m[0].length, detector: 'jwt' });
      }
    });
  },
};
