/**
 * AWS credentials. Access key ids: `AKIA` (long-term) or `ASIA` (STS) plus 16 upper-case letters or digits,
 * standing alone. Secret access keys have no prefix — any 40-character base64 string would match — so a secret is
 * only reported within 80 characters after an AWS secret key name assigned with `=` or `:`
 * (`aws_secret_access_key = …`, `"SecretAccessKey": "…"`, `AWS_SECRET=…`) and must mix upper case, lower case and
 * a digit or `/`/`+`, as random keys do.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
 */
import { type Detector, type DetectorHit, eachMatch, Feature } from './detector';

const KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
/** The key name and its `=` / `:` (the prefilter's `assign` feature relies on it). */
const SECRET_NAME = /(?:aws[_-]?secret|secret[_-]?access[_-]?key)[A-Za-z0-9_-]{0,24}["']?[ \t]{0,4}(?:=>|=|:)/gi;
const SECRET_VALUE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

function looksRandom(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9/+]/.test(s);
}

export const awsAccessKeyDetector: Detector = {
  name: 'aws_access_key',
  features: Feature.awsKeyId,
  minDigits: 0,
  minSeparatedDigits: 0,
  scan(text: string, out: DetectorHit[]): void {
    eachMatch(KEY_ID, text, (m) => {
      out.push({ start: m.index, end: m.index + m[0].length, detector: 'aws_access_key' });
    });
  },
};

export const awsSecretDetector: Detector = {
  name: 'aws_secret',
  features: Feature.assign,
  minDigits: 0,
  minSeparatedDigits: 0,
  scan(text: string, out: DetectorHit[]): void {
    let searchedTo = 0;
    eachMatch(SECRET_NAME, text, (name) => {
      const from = Math.max(name.index + name[0].length, searchedTo);
      const window = text.slice(from, name.index + name[0].length + 80);
      searchedTo = from + window.length;
      eachMatch(SECRET_VALUE, window, (v) => {
        if (looksRandom(v[0])) out.push({ start: from + v.index, end: from + v.index + 40, detector: 'aws_secret' });
      });
    });
  },
};
