/** Bytes of a hex string ("48656c6c6f"); a trailing odd nibble is dropped. */
export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    bytes[i] = Number.isNaN(byte) ? 0 : byte;
  }
  return bytes;
}

const HEX_DIGITS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lowercase hex of bytes ("48656c6c6f"). */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS[byte];
  return out;
}

export interface HexRow {
  offset: number;
  bytes: number[];
}

/** The rows of a classic hex dump, `width` bytes each. */
export function hexRows(hex: string, width = 16): HexRow[] {
  const bytes = hexToBytes(hex);
  const rows: HexRow[] = [];
  for (let offset = 0; offset < bytes.length; offset += width) {
    rows.push({ offset, bytes: Array.from(bytes.subarray(offset, offset + width)) });
  }
  return rows;
}

export const byteHex = (byte: number) => byte.toString(16).padStart(2, '0');

/** Printable ASCII as itself, everything else as a dot. */
export const byteAscii = (byte: number) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.');

export const offsetHex = (offset: number) => offset.toString(16).padStart(8, '0');
