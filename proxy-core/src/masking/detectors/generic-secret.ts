/**
 * Secrets written as assignments: `password=…`, `token: …`, `api_key=…`, `"client_secret": "…"`,
 * `DB_PASSWORD='…'`, `Authorization: Bearer …` and the like. The key is one of password, passwd, pwd, secret,
 * token, api key, access key, private key or authorization, with any prefix (`db_`, `x-`, `access`) and an optional
 * `_suffix`, standing alone (`tokens:` or `secretary=` are not keys). The hit is the value only: a quoted string's
 * contents, or an unquoted run up to whitespace, `&`, `;` or `,`. Placeholders (`***`, `<…>`, `${…}`, `null`,
 * values already masked) are not hits.
 */
import { type Detector, type DetectorHit, eachMatch, Feature } from './detector';

const ASSIGNMENT = new RegExp(
  [
    '(?<![A-Za-z0-9])[A-Za-z0-9]{0,24}[_.-]?',
    '(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization)',
    '(?:[_.-][A-Za-z0-9]{1,24})?(?![A-Za-z0-9])',
    String.raw`\\?["']?[ \t]{0,4}(?:=>|=|:)[ \t]{0,4}`,
    String.raw`(?:\\"(.{1,512}?)\\"|"((?:[^"\\\r\n]|\\.){1,512})"|'([^'\r\n]{1,512})'`,
    String.raw`|(?:(?:bearer|basic|token)[ \t]+)?([^\s"'&;,<>{}()\[\]]{1,512}))`,
  ].join(''),
  'dgi',
);

const PLACEHOLDER = /^(?:\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\$\d+|\?|null|none|nil|undefined|true|false|h:[0-9a-f]+)$/i;

export const genericSecretDetector: Detector = {
  name: 'generic_secret',
  features: Feature.assign,
  minDigits: 0,
  minSeparatedDigits: 0,
  scan(text: string, out: DetectorHit[]): void {
    eachMatch(ASSIGNMENT, text, (m) => {
      for (let g = 1; g <= 4; g++) {
        const span = m.indices?.[g];
        const value = m[g];
        if (span === undefined || value === undefined) continue;
        if (!PLACEHOLDER.test(value)) out.push({ start: span[0], end: span[1], detector: 'generic_secret' });
        return;
      }
    });
  },
};
