import { type Detector, scanText } from '../../masking/detectors';
import { type MaskStyle, maskValue } from '../../masking/mask-style';
import type { OutputMask } from './ssh.types';

/**
 * An OutputMask from the policy's content detectors (`masking.detectors`) and style: what the gateway wires as
 * `maskOutput` for a connection, e.g. `detectorOutputMask(compileDetectors(policy.masking.detectors), style)`.
 */
export function detectorOutputMask(detectors: readonly Detector[], style: MaskStyle, key?: Uint8Array): OutputMask {
  return (text) =>
    scanText(text, detectors).map((hit) => ({
      start: hit.start,
      end: hit.end,
      replacement: maskValue(text.slice(hit.start, hit.end), style, key),
      rule: hit.detector,
    }));
}
