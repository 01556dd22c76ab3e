/**
 * PEM private keys (RFC 7468): `-----BEGIN … PRIVATE KEY-----` (PKCS#8, RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP
 * `PRIVATE KEY BLOCK`) through the matching END line. A block with no END line — a truncated value — is masked to
 * the end of its base64 body, which may also be written with `\n` escapes inside JSON.
 */
import { type Detector, type DetectorHit, eachMatch, Feature } from './detector';

const BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----/g;
const BODY = /[A-Za-z0-9+/=\s\\:,-]*/y;

export const privateKeyDetector: Detector = {
  name: 'private_key',
  features: Feature.dashes,
  minDigits: 0,
  minSeparatedDigits: 0,
  scan(text: string, out: DetectorHit[]): void {
    eachMatch(BEGIN, text, (m) => {
      const bodyStart = m.index + m[0].length;
      const endLine = `-----END ${m[1]}-----`;
      const endAt = text.indexOf(endLine, bodyStart);
      let end: number;
      if (endAt !== -1) {
        end = endAt + endLine.length;
      } else {
        BODY.lastIndex = bodyStart;
        end = bodyStart + (BODY.exec(text)?.[0].length ?? 0);
      }
      out.push({ start: m.index, end, detector: 'private_key' });
      BEGIN.lastIndex = end;
    });
  },
};
