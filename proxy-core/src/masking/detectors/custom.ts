/**
 * Detectors from config: `{ name, pattern, flags? }`. The pattern is compiled once, when the policy loads; a bad
 * name, bad flags, a pattern that does not compile or one that matches the empty string is a config error naming
 * the detector. Hits are whole matches. Patterns run on V8's backtracking engine: keep them linear (bounded
 * repetitions, no nested quantifiers), like the built-in detectors.
 */
import { BUILTIN_DETECTORS, type CustomDetectorConfig, MaskingConfigError } from '../masking.types';
import { type Detector, type DetectorHit, eachMatch } from './detector';

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const FLAGS = /^[imsuv]*$/;

export function compileCustomDetector(config: CustomDetectorConfig, path: string): Detector {
  const { name, pattern } = config;
  const flags = config.flags ?? '';
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new MaskingConfigError(`${path}.name`, 'expected a lower-case name of letters, digits and _');
  }
  if ((BUILTIN_DETECTORS as readonly string[]).includes(name)) {
    throw new MaskingConfigError(`${path}.name`, `"${name}" is a built-in detector`);
  }
  if (typeof flags !== 'string' || !FLAGS.test(flags)) {
    throw new MaskingConfigError(`${path}.flags`, 'only the flags i, m, s, u and v are allowed');
  }
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new MaskingConfigError(`${path}.pattern`, 'expected a non-empty regular expression');
  }
  let re: RegExp;
  try {
    re = new RegExp(pattern, `${flags}g`);
  } catch (err) {
    throw new MaskingConfigError(`${path}.pattern`, `invalid regular expression: ${(err as Error).message}`);
  }
  if (new RegExp(pattern, flags).test('')) {
    throw new MaskingConfigError(`${path}.pattern`, 'the pattern matches the empty string');
  }
  return {
    name,
    features: 0,
    minDigits: 0,
    minSeparatedDigits: 0,
    scan(text: string, out: DetectorHit[]): void {
      eachMatch(re, text, (m) => {
        out.push({ start: m.index, end: m.index + m[0].length, detector: name });
      });
    },
  };
}
