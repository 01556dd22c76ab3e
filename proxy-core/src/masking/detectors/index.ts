/** The detector table, compiling the policy's `detectors:` list, and `scanText`. */
import { BUILTIN_DETECTORS, type BuiltinDetectorName, type DetectorConfig, MaskingConfigError } from '../masking.types';
import { awsAccessKeyDetector, awsSecretDetector } from './aws';
import { creditCardDetector } from './credit-card';
import { compileCustomDetector } from './custom';
import type { Detector, DetectorHit } from './detector';
import { emailDetector } from './email';
import { gcpServiceAccountDetector } from './gcp-service-account';
import { genericSecretDetector } from './generic-secret';
import { ibanDetector } from './iban';
import { jwtDetector } from './jwt';
import { phoneDetector } from './phone';
import { type Features, mayHit, textFeatures } from './prefilter';
import { privateKeyDetector } from './private-key';
import { usSsnDetector } from './us-ssn';

export type { Detector, DetectorHit } from './detector';

export const BUILTIN: Readonly<Record<BuiltinDetectorName, Detector>> = {
  email: emailDetector,
  credit_card: creditCardDetector,
  us_ssn: usSsnDetector,
  iban: ibanDetector,
  phone: phoneDetector,
  aws_access_key: awsAccessKeyDetector,
  aws_secret: awsSecretDetector,
  gcp_service_account: gcpServiceAccountDetector,
  jwt: jwtDetector,
  private_key: privateKeyDetector,
  generic_secret: genericSecretDetector,
};

/** Compiles a policy's `detectors:` list; throws MaskingConfigError naming the bad entry. */
export function compileDetectors(configs: readonly DetectorConfig[], path = 'masking.detectors'): Detector[] {
  const detectors: Detector[] = [];
  const seen = new Set<string>();
  configs.forEach((config, i) => {
    const at = `${path}[${i}]`;
    let detector: Detector;
    if (typeof config === 'string') {
      if (!(BUILTIN_DETECTORS as readonly string[]).includes(config)) {
        throw new MaskingConfigError(at, `unknown detector "${config}" (known: ${BUILTIN_DETECTORS.join(', ')})`);
      }
      detector = BUILTIN[config];
    } else if (typeof config === 'object' && config !== null) {
      detector = compileCustomDetector(config, at);
    } else {
      throw new MaskingConfigError(at, 'expected a detector name or { name, pattern, flags? }');
    }
    if (seen.has(detector.name)) throw new MaskingConfigError(at, `detector "${detector.name}" is listed twice`);
    seen.add(detector.name);
    detectors.push(detector);
  });
  return detectors;
}

/**
 * Every detector hit in `text`, in order and non-overlapping. Overlapping hits merge into one span (so no detected
 * character is left out) labelled with the detector of the longest hit among them: a JWT inside a `token=` value
 * is reported as `jwt`, a PEM key inside a service-account JSON as `gcp_service_account`.
 */
export function scanText(text: string, detectors: readonly Detector[], features?: Features): DetectorHit[] {
  const f = features ?? textFeatures(text);
  const hits: DetectorHit[] = [];
  for (const d of detectors) if (mayHit(d, f)) d.scan(text, hits);
  if (hits.length <= 1) return hits;
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: DetectorHit[] = [];
  let current = hits[0] as DetectorHit;
  let longest = current.end - current.start;
  for (let i = 1; i < hits.length; i++) {
    const hit = hits[i] as DetectorHit;
    if (hit.start < current.end) {
      if (hit.end - hit.start > longest) {
        longest = hit.end - hit.start;
        current.detector = hit.detector;
      }
      if (hit.end > current.end) current.end = hit.end;
    } else {
      merged.push(current);
      current = hit;
      longest = hit.end - hit.start;
    }
  }
  merged.push(current);
  return merged;
}
