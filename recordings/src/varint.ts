/**
 * Unsigned LEB128 varints up to 2^53 − 1 (frame time deltas, lengths, resize sizes). Values past 2^31
 * use arithmetic instead of bit operations, which are 32-bit in JavaScript. @see FORMAT.md §4
 */

/** Writes `value` at `pos` (the caller guarantees 8 free bytes) and returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let v = value;
  while (v > 0x7fffffff) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  while (v > 0x7f) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Bytes `writeVarint` takes for `value`. */
export function varintSize(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) n++;
  return n;
}

/** A cursor over decoded chunk bytes; every read checks bounds and throws `RangeError` past the end. */
export class ByteCursor {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  u8(): number {
    const b = this.buf[this.pos];
    if (b === undefined) throw new RangeError(`unexpected end of chunk data at ${this.pos}`);
    this.pos++;
    return b;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) break;
        return value;
      }
      scale *= 128;
    }
    throw new RangeError(`varint too long at ${this.pos}`);
  }

  bytes(length: number): Uint8Array {
    const end = this.pos + length;
    if (end > this.buf.length)
      throw new RangeError(`unexpected end of chunk data: need ${length} bytes at ${this.pos}`);
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }
}
