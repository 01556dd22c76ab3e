/**
 * Masks COPY … TO STDOUT data (CopyData payloads, one or more whole rows each — PostgreSQL sends one row per
 * message) per the plan: fields of masked columns are replaced whole, other fields go through the detectors.
 * Text and CSV are decoded and re-encoded field by field; untouched fields keep their exact bytes. Binary COPY is
 * denied by the plan whenever masking is on; with nothing to mask it passes unchanged.
 * A header row (`HEADER`) gets detectors only. Annotations give each masked field's byte range in the payload.
 */

import {
  type CopyField,
  decodeTextField,
  encodeCsvField,
  encodeTextField,
  parseCsvRow,
  splitTextRow,
} from './copy-text';
import type { Detector } from './detectors/detector';
import { anyMayHitOf, byteFeatures, textFeatures } from './detectors/prefilter';
import { columnStyle } from './mask-plan';
import { type MaskStyle, maskValue, styleNameOf, type TextRange } from './mask-style';
import type { CopyFormat, MaskAnnotation, MaskPlan, MaskStyleName } from './masking.types';
import { maskDetected } from './text-masker';
import { utf8Bytes, utf8Decoder, utf8Ranges } from './utf8';

export interface CopyMaskResult {
  data: Uint8Array;
  changed: boolean;
  masks: MaskAnnotation[];
  deny?: string;
}

export interface CopyMasker {
  maskCopyData(data: Uint8Array): CopyMaskResult;
}

interface Pending {
  annotation: MaskAnnotation;
  range: TextRange;
}

const TEXT_FORMAT: CopyFormat = {
  format: 'text',
  delimiter: '\t',
  null: '\\N',
  quote: '"',
  escape: '"',
  header: false,
};

export function createCopyMasker(options: {
  plan: MaskPlan;
  detectors: readonly Detector[];
  style: MaskStyle;
  key?: Uint8Array;
}): CopyMasker {
  const { plan, detectors, style, key } = options;
  const mayHit = anyMayHitOf(detectors);
  const format = plan.copy ?? TEXT_FORMAT;
  const styleName: MaskStyleName = typeof style === 'string' ? style : style.name;
  const anyMasked = plan.columns.some((c) => c.mask);
  let headerPending = format.header;

  /** The field as it should be written, or undefined to keep it. */
  function maskField(
    value: string,
    column: number,
    header: boolean,
    pending: Pending[],
    at: () => number,
    encode: (v: string) => string,
  ): string | undefined {
    const mask = header ? undefined : plan.columns[column];
    if (mask?.mask) {
      // A value computed from a masked column is redacted, whatever the style (see columnStyle).
      const styleOf = columnStyle(mask, style);
      const written = encode(maskValue(value, styleOf, key));
      pending.push({
        annotation: { column, rule: mask.rule, style: styleNameOf(styleOf) },
        range: { start: at(), end: at() + written.length },
      });
      return written;
    }
    if (detectors.length === 0 || !mayHit(textFeatures(value))) return undefined;
    const detected = maskDetected(value, detectors, style, key);
    if (!detected) return undefined;
    const written = encode(detected.text);
    const rule = `detector:${detected.hits[0]?.detector}`;
    pending.push({
      annotation: { column, rule, style: styleName },
      range: { start: at(), end: at() + written.length },
    });
    return written;
  }

  function maskRows(text: string): { text: string; pending: Pending[]; deny?: string } {
    let out = '';
    const pending: Pending[] = [];
    let deny: string | undefined;
    let i = 0;
    while (i < text.length) {
      const header = headerPending;
      headerPending = false;
      let fields: CopyField[];
      if (format.format === 'csv') {
        const row = parseCsvRow(text, i, format);
        fields = row.fields;
        i = row.next;
      } else {
        const end = text.indexOf('\n', i);
        const line = text.slice(i, end === -1 ? text.length : end);
        fields = splitTextRow(line, format.delimiter).map((raw) => ({
          raw,
          value: raw === format.null ? null : decodeTextField(raw),
        }));
        i = end === -1 ? text.length : end + 1;
      }
      const encode =
        format.format === 'csv'
          ? (v: string) => encodeCsvField(v, format)
          : (v: string) => encodeTextField(v, format.delimiter);
      const wrongWidth = !header && fields.length !== plan.columns.length;
      if (wrongWidth) deny ??= `a COPY row has ${fields.length} columns, the statement ${plan.columns.length}`;
      fields.forEach((f, column) => {
        if (column > 0) out += format.delimiter;
        let written: string | undefined;
        if (wrongWidth && f.value !== null) written = encode(maskValue(f.value, 'redact'));
        else if (f.value !== null) written = maskField(f.value, column, header, pending, () => out.length, encode);
        out += written ?? f.raw;
      });
      out += '\n';
    }
    return { text: out, pending, deny };
  }

  return {
    maskCopyData(data) {
      if (plan.deny !== undefined) return { data: new Uint8Array(0), changed: true, masks: [], deny: plan.deny };
      if (format.format === 'binary') return { data, changed: false, masks: [] };
      if (!anyMasked && !headerPending && (detectors.length === 0 || !mayHit(byteFeatures(data)))) {
        return { data, changed: false, masks: [] };
      }
      const text = utf8Decoder.decode(data);
      const body = text.endsWith('\n') ? text : `${text}\n`;
      const masked = maskRows(body);
      const outText = text.endsWith('\n') ? masked.text : masked.text.slice(0, -1);
      if (masked.pending.length === 0 && masked.deny === undefined) return { data, changed: false, masks: [] };
      const ranges = utf8Ranges(
        outText,
        masked.pending.map((p) => p.range),
      );
      const masks = masked.pending.map((p, k) => ({ ...p.annotation, start: ranges[k]?.start, end: ranges[k]?.end }));
      const result: CopyMaskResult = { data: utf8Bytes(outText), changed: true, masks };
      if (masked.deny !== undefined) result.deny = masked.deny;
      return result;
    },
  };
}
