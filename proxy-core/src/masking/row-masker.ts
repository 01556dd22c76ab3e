/**
 * The hot path: masks DataRow values per the plan. Masked columns are replaced whole (mask-style.ts), rendered so
 * the client's driver can still decode the type (pg-types.ts); binary-format values of masked columns are never
 * passed — NULL, plus a deny signal unless `binary: 'null'`. Every other text value goes through the content
 * detectors, after a byte-level prefilter that skips values no detector can hit without decoding them.
 * A row that does not fit the plan (a plan that denies, a width mismatch) comes back all NULL with `deny` set.
 */
import type { Detector } from './detectors/detector';
import { anyMayHit, byteFeatures } from './detectors/prefilter';
import { type MaskStyle, maskValue } from './mask-style';
import type { MaskAnnotation, MaskPlan, MaskStyleName } from './masking.types';
import { renderMasked, type ScanMode, scanModeOf } from './pg-types';
import { maskDetected } from './text-masker';
import { utf8Bytes, utf8Decoder, utf8Ranges } from './utf8';

export interface RowMaskerOptions {
  plan: MaskPlan;
  detectors: readonly Detector[];
  style: MaskStyle;
  /** The masking key (required for `hash`). */
  key?: Uint8Array;
  binary: 'deny' | 'null';
}

export interface RowMaskResult {
  /** The input array itself when nothing changed. */
  values: Array<Uint8Array | null>;
  changed: boolean;
  masks: MaskAnnotation[];
  /** Set when the row must not reach the client: answer an error instead (the values are all masked anyway). */
  deny?: string;
}

export interface RowMasker {
  /** `formats`: per column, or one for all, or empty for all text (Bind's result-format rule). */
  maskRow(values: ReadonlyArray<Uint8Array | null>, formats: readonly number[]): RowMaskResult;
}

const NO_MASKS: MaskAnnotation[] = [];

export function formatAt(formats: readonly number[], i: number): number {
  if (formats.length === 0) return 0;
  return (formats.length === 1 ? formats[0] : formats[i]) ?? 0;
}

function failClosed(values: ReadonlyArray<Uint8Array | null>, deny: string): RowMaskResult {
  const masks = values.map((_, column): MaskAnnotation => ({ column, rule: 'deny', style: 'null' }));
  return { values: values.map(() => null), changed: true, masks, deny };
}

export function createRowMasker(options: RowMaskerOptions): RowMasker {
  const { plan, detectors, style, key } = options;
  const styleName: MaskStyleName = typeof style === 'string' ? style : style.name;
  if (styleName === 'hash' && (key === undefined || key.length === 0))
    throw new Error('the hash mask style needs a key');
  const width = plan.columns.length;
  const scanModes = [0, 1].map((format) => plan.fields.map((f) => scanModeOf(f.typeOid, format)));

  /** A masked column's text value, replaced whole. */
  function maskWhole(value: Uint8Array, i: number, rule: string, masks: MaskAnnotation[]): Uint8Array | null {
    const rendered = renderMasked(maskValue(utf8Decoder.decode(value), style, key), plan.fields[i]?.typeOid ?? 0);
    masks.push({ column: i, rule, style: rendered === null ? 'null' : styleName });
    return rendered === null ? null : utf8Bytes(rendered);
  }

  /** Any other value through the detectors: undefined when nothing was found (the common, fast case). */
  function scan(
    value: Uint8Array,
    i: number,
    mode: ScanMode,
    masks: () => MaskAnnotation[],
  ): Uint8Array | null | undefined {
    const features = byteFeatures(value);
    if (!anyMayHit(detectors, features)) return undefined;
    const text = utf8Decoder.decode(value);
    const detected = maskDetected(text, detectors, style, key, { features, json: mode === 'json' });
    if (!detected) return undefined;
    if (mode === 'null-on-hit') {
      masks().push({ column: i, rule: `detector:${detected.hits[0]?.detector}`, style: 'null' });
      return null;
    }
    const ranges = utf8Ranges(detected.text, detected.ranges);
    detected.hits.forEach((hit, k) => {
      const r = ranges[k];
      masks().push({ column: i, rule: `detector:${hit.detector}`, style: styleName, start: r?.start, end: r?.end });
    });
    return utf8Bytes(detected.text);
  }

  return {
    maskRow(values, formats) {
      if (plan.deny !== undefined) return failClosed(values, plan.deny);
      if (values.length !== width) {
        return failClosed(values, `a DataRow has ${values.length} columns, RowDescription ${width}`);
      }
      let out: Array<Uint8Array | null> | undefined;
      let masks: MaskAnnotation[] | undefined;
      const annotations = () => {
        masks ??= [];
        return masks;
      };
      let deny: string | undefined;
      for (let i = 0; i < width; i++) {
        const value = values[i];
        if (value === null || value === undefined) continue;
        const column = plan.columns[i];
        const format = formatAt(formats, i);
        if (column?.mask) {
          out ??= values.slice();
          if (format === 0) {
            out[i] = maskWhole(value, i, column.rule, annotations());
            continue;
          }
          out[i] = null; // binary: never passed raw
          annotations().push({ column: i, rule: column.rule, style: 'null' });
          if (options.binary === 'deny') deny ??= `binary-format value of masked column ${i + 1} (masking policy)`;
          continue;
        }
        const mode = scanModes[format === 0 ? 0 : 1]?.[i] ?? 'skip';
        if (detectors.length === 0 || mode === 'skip') continue;
        const scanned = scan(value, i, mode, annotations);
        if (scanned === undefined) continue;
        out ??= values.slice();
        out[i] = scanned;
      }
      if (!out) return { values: values as Array<Uint8Array | null>, changed: false, masks: NO_MASKS };
      const result: RowMaskResult = { values: out, changed: true, masks: masks ?? NO_MASKS };
      if (deny !== undefined) result.deny = deny;
      return result;
    },
  };
}
