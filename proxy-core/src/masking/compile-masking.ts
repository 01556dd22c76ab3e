/** Validates a policy's `masking:` block once, at config load, into what the planner and maskers use. */
import { type ColumnMatcher, compileColumnMatcher } from './column-matcher';
import { compileDetectors, type Detector } from './detectors/index';
import { DEFAULT_PARTIAL_KEEP } from './mask-style';
import { MaskingConfigError, type MaskingPolicy, type MaskStyleName } from './masking.types';

export interface CompiledMasking {
  readonly columns: ColumnMatcher;
  readonly detectors: readonly Detector[];
  readonly style: { name: MaskStyleName; keep: number };
  readonly lineage: 'deny' | 'mask';
  readonly predicates: 'deny' | 'allow';
  readonly binary: 'deny' | 'null';
}

function oneOf<T extends string>(value: T | undefined, allowed: readonly T[], fallback: T, path: string): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new MaskingConfigError(path, `expected one of ${allowed.join(', ')}`);
  return value;
}

/** Throws MaskingConfigError (with the path of the bad entry) on any invalid setting. */
export function compileMasking(policy: MaskingPolicy, path = 'masking'): CompiledMasking {
  const keep = policy.partialKeep ?? DEFAULT_PARTIAL_KEEP;
  if (!Number.isInteger(keep) || keep < 0 || keep > 64) {
    throw new MaskingConfigError(`${path}.partialKeep`, 'expected an integer from 0 to 64');
  }
  return {
    columns: compileColumnMatcher(policy.columns ?? [], `${path}.columns`),
    detectors: compileDetectors(policy.detectors ?? [], `${path}.detectors`),
    style: { name: oneOf(policy.style, ['redact', 'partial', 'hash'], 'redact', `${path}.style`), keep },
    lineage: oneOf(policy.lineage, ['deny', 'mask'], 'deny', `${path}.lineage`),
    predicates: oneOf(policy.predicates, ['deny', 'allow'], 'deny', `${path}.predicates`),
    binary: oneOf(policy.binary, ['deny', 'null'], 'deny', `${path}.binary`),
  };
}
