/**
 * The hot path: masks DataRow values per the plan. Masked columns are replaced whole (mask-style.ts), rendered so
 * the client's driver can still decode the type (pg-types.ts); binary-format values of masked columns are never
 * passed — NULL, plus a deny signal unless `binary: 'null'`. Every other text value goes through the content
 * detectors, after a byte-level prefilter that skips values no detector can hit without decoding them.
 * A row that does not fit the plan (a plan that denies, a width mismatch) comes back all NULL with `deny` set.
 *
 * `maskCells` works on the row's bytes where they are (a `CellIndex` of offsets, reused row after row): a masked
 * value that keeps its length (`partial` on ASCII, nearly every masked cell) is masked in place, so the row needs
 * neither a copy nor a new message; only values of another length are handed back to be written anew. `maskRow` is
 * the same over an array of values.
 */
import type { Detector } from './detectors/detector';
import { anyMayHitOf, byteFeatures } from './detectors/prefilter';
import { columnStyle } from './mask-plan';
import { type MaskStyle, maskAsciiBytes, maskInPlace, maskValue, styleNameOf } from './mask-style';
import type { MaskAnnotation, MaskPlan, MaskStyleName } from './masking.types';
import { renderMasked, rendersAsIs, type ScanMode, scanModeOf } from './pg-types';
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

/** Where a row's values are in its bytes: `lengths[i]` is -1 for NULL (the DataRow codec fills one). */
export interface CellIndex {
  count: number;
  starts: Int32Array;
  lengths: Int32Array;
}

/** What `maskCells` decided for one row. One object per masker, overwritten by the next call. */
export interface MaskedCells {
  /** Some value was masked: in place, or in `replaced`. */
  changed: boolean;
  /** Some value is in `replaced`: the row must be written anew. */
  resized: boolean;
  /**
   * Per column: undefined keeps the value (as masked in place), null makes it NULL, bytes replace it (read them, do
   * not change them).
   */
  replaced: Array<Uint8Array | null | undefined>;
  /** The first `maskCount` entries are this row's (the array is reused, not cleared). */
  masks: MaskAnnotation[];
  maskCount: number;
  deny: string | undefined;
}

export interface RowMasker {
  /**
   * `formats`: per column, or one for all, or empty for all text (Bind's result-format rule). Changes `bytes` in
   * place: pass bytes no one else reads unmasked.
   */
  maskCells(bytes: Uint8Array, cells: CellIndex, formats: readonly number[]): MaskedCells;
  maskRow(values: ReadonlyArray<Uint8Array | null>, formats: readonly number[]): RowMaskResult;
}

const NO_MASKS: MaskAnnotation[] = [];

export function formatAt(formats: readonly number[], i: number): number {
  if (formats.length === 0) return 0;
  return (formats.length === 1 ? formats[0] : formats[i]) ?? 0;
}

export function createRowMasker(options: RowMaskerOptions): RowMasker {
  const { plan, detectors, style, key } = options;
  const styleName: MaskStyleName = typeof style === 'string' ? style : style.name;
  if (styleName === 'hash' && (key === undefined || key.length === 0))
    throw new Error('the hash mask style needs a key');
  const width = plan.columns.length;
  // With no detectors every column skips the scan.
  const modesFor = (format: number) =>
    plan.fields.map((f): ScanMode => (detectors.length === 0 ? 'skip' : scanModeOf(f.typeOid, format)));
  const textModes = modesFor(0);
  const binaryModes = modesFor(1);
  const typeOids = plan.fields.map((f) => f.typeOid);
  const asIs = typeOids.map(rendersAsIs);
  // A value computed from a masked column is redacted, whatever the style (see columnStyle).
  const styles = plan.columns.map((c) => (c.mask ? columnStyle(c, style) : style));
  // The annotations of whole-column masks never change: one object per column and outcome, shared by every row.
  const masked = plan.columns.map((c, column): MaskAnnotation | undefined =>
    c.mask ? { column, rule: c.rule, style: styleNameOf(styles[column] as MaskStyle) } : undefined,
  );
  const nulled = plan.columns.map((c, column): MaskAnnotation | undefined =>
    c.mask ? { column, rule: c.rule, style: 'null' } : undefined,
  );
  const mayHit = anyMayHitOf(detectors);
  const inPlace = styles.map((s) => styleNameOf(s) === 'partial');
  const out: MaskedCells = { changed: false, resized: false, replaced: [], masks: [], maskCount: 0, deny: undefined };
  const annotate = (mask: MaskAnnotation) => {
    out.masks[out.maskCount++] = mask;
  };

  /** A masked column's text value, masked whole: in place (undefined), or its replacement. */
  function maskWhole(bytes: Uint8Array, start: number, end: number, i: number): Uint8Array | null | undefined {
    const styleOf = styles[i] as MaskStyle;
    if (asIs[i]) {
      if (inPlace[i] && maskInPlace(bytes, start, end, styleOf)) {
        annotate(masked[i] as MaskAnnotation);
        return undefined;
      }
      const fast = maskAsciiBytes(bytes, start, end, styleOf, key);
      if (fast !== undefined) {
        annotate(masked[i] as MaskAnnotation);
        return fast;
      }
    }
    const text = utf8Decoder.decode(bytes.subarray(start, end));
    const rendered = renderMasked(maskValue(text, styleOf, key), typeOids[i] ?? 0);
    annotate((rendered === null ? nulled[i] : masked[i]) as MaskAnnotation);
    return rendered === null ? null : utf8Bytes(rendered);
  }

  /** A value the prefilter let through, against the detectors: undefined when nothing was found. */
  function scan(
    bytes: Uint8Array,
    start: number,
    end: number,
    i: number,
    mode: ScanMode,
    features: number,
  ): Uint8Array | null | undefined {
    const text = utf8Decoder.decode(bytes.subarray(start, end));
    const detected = maskDetected(text, detectors, style, key, { features, json: mode === 'json' });
    if (!detected) return undefined;
    if (mode === 'null-on-hit') {
      annotate({ column: i, rule: `detector:${detected.hits[0]?.detector}`, style: 'null' });
      return null;
    }
    const ranges = utf8Ranges(detected.text, detected.ranges);
    detected.hits.forEach((hit, k) => {
      const r = ranges[k];
      annotate({ column: i, rule: `detector:${hit.detector}`, style: styleName, start: r?.start, end: r?.end });
    });
    return utf8Bytes(detected.text);
  }

  function failClosed(count: number, deny: string): MaskedCells {
    for (let column = 0; column < count; column++) {
      out.replaced[column] = null;
      annotate({ column, rule: 'deny', style: 'null' });
    }
    out.changed = out.resized = true;
    out.deny = deny;
    return out;
  }

  function maskCells(bytes: Uint8Array, cells: CellIndex, formats: readonly number[]): MaskedCells {
    const { count, starts, lengths } = cells;
    if (out.resized) out.replaced = [];
    out.maskCount = 0;
    out.changed = out.resized = false;
    out.deny = undefined;
    if (plan.deny !== undefined) return failClosed(count, plan.deny);
    if (count !== width) return failClosed(count, `a DataRow has ${count} columns, RowDescription ${width}`);
    for (let i = 0; i < width; i++) {
      const length = lengths[i] as number;
      if (length < 0) continue;
      const start = starts[i] as number;
      const format = formats.length === 0 ? 0 : formatAt(formats, i);
      if (masked[i] !== undefined) {
        out.changed = true;
        if (format === 0) {
          const whole = maskWhole(bytes, start, start + length, i);
          if (whole === undefined) continue;
          out.resized = true;
          out.replaced[i] = whole;
          continue;
        }
        out.resized = true;
        out.replaced[i] = null; // binary: never passed raw
        annotate(nulled[i] as MaskAnnotation);
        if (options.binary === 'deny') out.deny ??= `binary-format value of masked column ${i + 1} (masking policy)`;
        continue;
      }
      const mode = (format === 0 ? textModes : binaryModes)[i] ?? 'skip';
      if (mode === 'skip') continue;
      // The byte prefilter first: most values have nothing any detector could hit, and are never decoded.
      const features = byteFeatures(bytes, start, start + length);
      if (!mayHit(features)) continue;
      const scanned = scan(bytes, start, start + length, i, mode, features);
      if (scanned === undefined) continue;
      out.changed = out.resized = true;
      out.replaced[i] = scanned;
    }
    return out;
  }

  return {
    maskCells,
    maskRow(values, formats) {
      const cells = indexValues(values);
      const result = maskCells(cells.bytes, cells, formats);
      if (!result.changed) return { values: values as Array<Uint8Array | null>, changed: false, masks: NO_MASKS };
      const row: RowMaskResult = {
        values: values.map((v, i) => {
          const r = result.replaced[i];
          if (r !== undefined) return r && Uint8Array.from(r);
          const start = cells.starts[i] as number;
          return v && cells.bytes.slice(start, start + v.length); // as masked in place
        }),
        changed: true,
        masks: result.masks.slice(0, result.maskCount),
      };
      if (result.deny !== undefined) row.deny = result.deny;
      return row;
    },
  };
}

/** Values laid end to end in one buffer, with their index. */
function indexValues(values: ReadonlyArray<Uint8Array | null>): CellIndex & { bytes: Uint8Array } {
  const count = values.length;
  const starts = new Int32Array(count);
  const lengths = new Int32Array(count);
  let size = 0;
  for (const v of values) size += v?.length ?? 0;
  const bytes = new Uint8Array(size);
  let o = 0;
  values.forEach((v, i) => {
    starts[i] = o;
    lengths[i] = v === null ? -1 : v.length;
    if (v !== null) {
      bytes.set(v, o);
      o += v.length;
    }
  });
  return { count, starts, lengths, bytes };
}
