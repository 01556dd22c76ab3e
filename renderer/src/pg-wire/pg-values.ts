import { bytesToHex } from '../lib/hex';

/** Longest value shown per DataRow cell / Bind parameter / CopyData (as the gateway's API does). */
export const MAX_VALUE_BYTES = 16 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The format code of column / parameter `i`: one code for all, one per column, or none (text). */
export function formatAt(formats: readonly number[] | undefined, i: number): number | undefined {
  if (!formats || formats.length === 0) return formats ? 0 : undefined;
  return formats.length === 1 ? formats[0] : formats[i];
}

/**
 * A value as the IDE shows it: text when the format says text (or, format unknown, when it is valid UTF-8
 * without control characters), else PostgreSQL's bytea hex form `\x…`. Cut at MAX_VALUE_BYTES.
 * The same rule as the gateway's decoder, so a packet replays exactly as the server showed the session.
 */
export function valueText(value: Uint8Array | null, format: number | undefined): string | null {
  if (value === null) return null;
  const cut = value.length > MAX_VALUE_BYTES;
  const shown = cut ? value.subarray(0, MAX_VALUE_BYTES) : value;
  if (format !== 1) {
    const text = format === 0 || !hasControlBytes(shown) ? tryUtf8(shown, cut) : undefined;
    if (text !== undefined) return text;
  }
  return `\\x${bytesToHex(shown)}`;
}

/** C0 controls other than tab, LF and CR, and DEL: text that has them is more likely binary. */
function hasControlBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return true;
  return false;
}

function tryUtf8(bytes: Uint8Array, cut: boolean): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // A value cut inside a multi-byte character: drop the partial character rather than fall back to hex.
    if (!cut) return undefined;
    for (let back = 1; back <= 3 && back < bytes.length; back += 1) {
      try {
        return strictUtf8.decode(bytes.subarray(0, bytes.length - back));
      } catch {
        // one byte shorter
      }
    }
    return undefined;
  }
}
