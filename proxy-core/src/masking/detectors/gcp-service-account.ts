/**
 * Google Cloud service-account keys: the JSON key file's `"private_key"` and `"private_key_id"` string values, in
 * plain JSON or JSON escaped once inside another string (`{\"private_key\": \"…\"}`). The hit is the string's
 * contents only, so a masked JSON document stays valid JSON. A value counts when it holds a PEM `PRIVATE KEY` or
 * the text also says `service_account`.
 * @see https://cloud.google.com/iam/docs/keys-create-delete (key file format)
 */
import { type Detector, type DetectorHit, eachMatch, Feature } from './detector';

const KEY = /(\\?)"private_key(?:_id)?\1"\s*:\s*\1"/g;

/** End of a JSON string body starting at `start`; `escaped` when its quotes are written `\"`. */
function stringEnd(text: string, start: number, escaped: boolean): number {
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!escaped) {
      if (c === 92)
        i++; // \x
      else if (c === 34) return i;
    } else if (c === 92) {
      if (text.charCodeAt(i + 1) === 34) return i; // \" closes
      if (text.charCodeAt(i + 1) === 92)
        i += 3; // \\\x: an escaped escape and what it escapes
      else i++;
    }
  }
  return text.length; // unterminated: everything after the key is secret
}

export const gcpServiceAccountDetector: Detector = {
  name: 'gcp_service_account',
  features: Feature.assign,
  minDigits: 0,
  minSeparatedDigits: 0,
  scan(text: string, out: DetectorHit[]): void {
    const serviceAccount = text.includes('service_account');
    eachMatch(KEY, text, (m) => {
      const start = m.index + m[0].length;
      const end = stringEnd(text, start, m[1] === '\\');
      if (end > start && (serviceAccount || text.slice(start, end).includes('PRIVATE KEY'))) {
        out.push({ start, end, detector: 'gcp_service_account' });
      }
      KEY.lastIndex = Math.max(KEY.lastIndex, end);
    });
  },
};
