/**
 * Masking of free text the server sends: ErrorResponse / NoticeResponse fields (message, detail, hint, context,
 * where) and NotificationResponse payloads. Detectors always apply. `strict` — for statements that touched a
 * masked column, or could not be analysed (StatementCheck.touchesMasked) — also masks the values PostgreSQL
 * quotes in its messages: `"…"` (`invalid input syntax for type integer: "123-45-6789"`), `Key (ssn)=(…)`, and
 * `Failing row contains (…)`, redacted whole (`****`, whatever the style: the quoted value may be one the agent
 * computed to show a chosen part). Identifiers in double quotes are masked too: a lost column name is cheaper than a
 * leaked value.
 */
import type { Detector, DetectorHit } from './detectors/detector';
import { scanText } from './detectors/index';
import { type MaskStyle, maskTextWithRanges, styleNameOf } from './mask-style';
import type { MaskAnnotation, MaskStyleName } from './masking.types';
import { utf8Ranges } from './utf8';

const QUOTED = [/"([^"]*)"/dg, /=\((.*)\)/dg, /Failing row contains \((.*)\)/dg];

function quotedSpans(text: string): DetectorHit[] {
  const spans: DetectorHit[] = [];
  for (const re of QUOTED) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const span = m.indices?.[1];
      if (span && span[1] > span[0]) spans.push({ start: span[0], end: span[1], detector: 'quoted_value' });
    }
  }
  return spans;
}

function merge(spans: DetectorHit[]): DetectorHit[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: DetectorHit[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** `text` masked; annotations carry column -1 and UTF-8 byte offsets within the masked text. */
export function maskFreeText(
  text: string,
  options: { detectors: readonly Detector[]; style: MaskStyle; key?: Uint8Array; strict?: boolean },
): { text: string; changed: boolean; masks: MaskAnnotation[] } {
  const hits = options.detectors.length > 0 ? scanText(text, options.detectors) : [];
  const spans = options.strict ? merge([...hits, ...quotedSpans(text)]) : hits;
  if (spans.length === 0) return { text, changed: false, masks: [] };
  // A quoted value may be one the agent computed from a masked column: redacted whole, as in rows (columnStyle).
  const maskStyle: MaskStyle = options.strict ? 'redact' : options.style;
  const masked = maskTextWithRanges(text, spans, maskStyle, options.key);
  const ranges = utf8Ranges(masked.text, masked.ranges);
  const style: MaskStyleName = styleNameOf(maskStyle);
  const masks = spans.map(
    (s, k): MaskAnnotation => ({
      column: -1,
      rule: `detector:${s.detector}`,
      style,
      start: ranges[k]?.start,
      end: ranges[k]?.end,
    }),
  );
  return { text: masked.text, changed: true, masks };
}
