/** A content detector: a precompiled scanner plus the validation that makes a candidate a hit. */

export interface DetectorHit {
  start: number;
  end: number;
  detector: string;
}

/**
 * Cheap features of a text, computed in one pass over its bytes (prefilter.ts). A detector can only hit a text that
 * has one of its `features`, or a digit group long enough for it; a detector with neither always runs.
 *
 * A digit group is a run of ASCII digits in which consecutive digits are apart by at most three separators
 * (space, `-`, `.`, `(`, `)`; a backslash, as COPY's text format escapes with it, is not counted). It is *separated*
 * when such a separator occurs inside it or a `+` comes right before it.
 */
export const Feature = {
  /** `@` */
  at: 1,
  /** `----` (PEM armour) */
  dashes: 2,
  /** `eyJ` (base64url of `{"`) */
  jwt: 4,
  /** `AKIA` / `ASIA` */
  awsKeyId: 8,
  /** `=` or `:` right after a letter, digit, quote, `_`, space or tab: a `key=value` / `"key": value` */
  assign: 16,
  /** two upper-case letters then two digits: an IBAN's country and check digits */
  iban: 32,
  /** `ssn` or `cial` (of `social`), any case: the keywords before a bare nine-digit SSN */
  ssnWord: 64,
} as const;

export interface Detector {
  readonly name: string;
  readonly features: number;
  /** Digits in one digit group a hit needs at least (0: no need). */
  readonly minDigits: number;
  /** Digits in one separated digit group a hit needs at least (0: no need). */
  readonly minSeparatedDigits: number;
  /** Appends validated hits in `text` to `out`. Must run in time linear in `text.length`. */
  scan(text: string, out: DetectorHit[]): void;
}

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Runs a global regex over `text`, calling `onMatch` for each match; zero-length matches are skipped. */
export function eachMatch(re: RegExp, text: string, onMatch: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex = m.index + 1;
      continue;
    }
    onMatch(m);
  }
}
