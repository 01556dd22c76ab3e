import type { Detector } from '../../masking/detectors/detector';
import type { MaskStyle } from '../../masking/mask-style';
import { maskDetected } from '../../masking/text-masker';
import type { TextMask, TextMasker } from './http-listener.types';

/** The listener's `maskText` from the policy's content detectors (masking/text-masker.ts). */
export function detectorTextMasker(detectors: readonly Detector[], style: MaskStyle, key?: Uint8Array): TextMasker {
  return (text) => {
    const found = maskDetected(text, detectors, style, key);
    if (!found) return { text, masks: [] };
    const masks: TextMask[] = [];
    found.ranges.forEach((range, i) => {
      const hit = found.hits[i];
      if (hit)
        masks.push({
          rule: hit.detector,
          start: hit.start,
          end: hit.end,
          replacement: found.text.slice(range.start, range.end),
        });
    });
    return { text: found.text, masks };
  };
}
