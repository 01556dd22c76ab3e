import { describe, expect, it } from 'vitest';
import { byteAscii, byteHex, bytesToHex, hexRows, hexToBytes, offsetHex } from './hex';

describe('hex', () => {
  it('decodes hex to bytes', () => {
    expect(Array.from(hexToBytes('00ff7f51'))).toEqual([0, 255, 127, 81]);
    expect(Array.from(hexToBytes('abc'))).toEqual([0xab]);
    expect(hexToBytes('').length).toBe(0);
  });

  it('encodes bytes as lowercase hex and back', () => {
    const bytes = new Uint8Array([0, 1, 0x7f, 0x80, 0xff]);
    expect(bytesToHex(bytes)).toBe('00017f80ff');
    expect(hexToBytes(bytesToHex(bytes))).toEqual(bytes);
    expect(bytesToHex(new Uint8Array(0))).toBe('');
  });

  it('splits a dump into rows with offsets', () => {
    const rows = hexRows('51'.repeat(20), 16);
    expect(rows.map((r) => [r.offset, r.bytes.length])).toEqual([
      [0, 16],
      [16, 4],
    ]);
  });

  it('formats bytes for the dump', () => {
    expect(byteHex(10)).toBe('0a');
    expect(byteAscii(0x51)).toBe('Q');
    expect(byteAscii(0)).toBe('.');
    expect(offsetHex(4096)).toBe('00001000');
  });
});
