import type { Detector } from '../../masking';
import { type MaskAnnotation, type MaskStyle, maskFreeText } from '../../masking';
import { BackendCode, BufferWriter, parseErrorFields, parseNotificationResponse } from './codec';

export interface FreeTextOptions {
  detectors: readonly Detector[];
  style: MaskStyle;
  key: Uint8Array;
  /** Also mask values the server quotes in its messages (the statement touched a masked column). */
  strict: boolean;
}

/** Fields that carry only codes and positions, never values: left as they are. */
const STRUCTURAL = new Set(['S', 'V', 'C', 'P', 'p', 'F', 'L', 'R']);

/**
 * ErrorResponse / NoticeResponse with every text field masked (a unique-violation DETAIL quotes the
 * duplicate value; a notice may print anything). Field order is kept.
 * @see https://www.postgresql.org/docs/current/protocol-error-fields.html
 */
export function maskErrorOrNotice(
  bytes: Uint8Array,
  opts: FreeTextOptions,
): { bytes: Uint8Array; masks: MaskAnnotation[] } {
  const code = bytes[0] as number;
  const fields = parseErrorFields(bytes.subarray(5));
  const masks: MaskAnnotation[] = [];
  const out: Array<[string, string]> = [];
  for (const [field, value] of Object.entries(fields)) {
    if (STRUCTURAL.has(field)) {
      out.push([field, value]);
      continue;
    }
    const masked = maskFreeText(value, opts);
    out.push([field, masked.text]);
    masks.push(...masked.masks);
  }
  if (masks.length === 0) return { bytes, masks };
  const w = new BufferWriter();
  for (const [field, value] of out) w.addByte(field.charCodeAt(0)).addCString(value);
  w.addByte(0);
  return {
    bytes: w.flush(code === BackendCode.NoticeResponse ? BackendCode.NoticeResponse : BackendCode.ErrorResponse),
    masks,
  };
}

/** NotificationResponse with its payload masked (NOTIFY can carry any text). */
export function maskNotification(
  bytes: Uint8Array,
  opts: FreeTextOptions,
): { bytes: Uint8Array; masks: MaskAnnotation[] } {
  const n = parseNotificationResponse(bytes.subarray(5));
  const masked = maskFreeText(n.payload, opts);
  if (!masked.changed) return { bytes, masks: [] };
  const w = new BufferWriter().addInt32(n.pid).addCString(n.channel).addCString(masked.text);
  return { bytes: w.flush(BackendCode.NotificationResponse), masks: masked.masks };
}
