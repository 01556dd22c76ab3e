/** Detector masking of one text: the step DataRow values, CopyData fields and free text share. */
import type { Detector, DetectorHit } from './detectors/detector';
import { scanText } from './detectors/index';
import type { Features } from './detectors/prefilter';
import { spansInStrings } from './json-text';
import { type MaskStyle, maskTextWithRanges, type TextRange } from './mask-style';

export interface DetectedText {
  text: string;
  hits: DetectorHit[];
  /** Where each hit's replacement is in `text` (UTF-16 offsets). */
  ranges: TextRange[];
}

/**
 * `text` with every detector hit masked, or undefined when nothing was found. With `json`, a replacement outside a
 * JSON string becomes a JSON string itself, so the document still parses.
 */
export function maskDetected(
  text: string,
  detectors: readonly Detector[],
  style: MaskStyle,
  key: Uint8Array | undefined,
  options: { features?: Features; json?: boolean } = {},
): DetectedText | undefined {
  const hits = scanText(text, detectors, options.features);
  if (hits.length === 0) return undefined;
  let wrap: ((masked: string, span: TextRange) => string) | undefined;
  if (options.json) {
    const inString = spansInStrings(
      text,
      hits.map((h) => h.start),
    );
    const byStart = new Map(hits.map((h, i) => [h.start, inString[i]]));
    wrap = (masked, span) => (byStart.get(span.start) ? masked : JSON.stringify(masked));
  }
  const masked = maskTextWithRanges(text, hits, style, key, wrap);
  return { text: masked.text, hits, ranges: masked.ranges };
}
