import { ProtocolError } from './errors';
import { decodeUtf8 } from './text';

/**
 * Sequential reader over one message body. Reads never allocate except for strings; `bytes()`
 * returns views into the underlying buffer. Reading past the end throws a ProtocolError, so a
 * truncated or lying message fails cleanly instead of yielding garbage.
 */
export class BufferReader {
  constructor(
    readonly buffer: Uint8Array,
    public offset = 0,
    readonly end = buffer.length,
  ) {}

  get remaining(): number {
    return this.end - this.offset;
  }

  byte(): number {
    this.need(1);
    return this.buffer[this.offset++] as number;
  }

  int16(): number {
    return (this.uint16() << 16) >> 16;
  }

  uint16(): number {
    this.need(2);
    const b = this.buffer;
    const o = this.offset;
    this.offset = o + 2;
    return ((b[o] as number) << 8) | (b[o + 1] as number);
  }

  int32(): number {
    this.need(4);
    const b = this.buffer;
    const o = this.offset;
    this.offset = o + 4;
    return ((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number);
  }

  uint32(): number {
    return this.int32() >>> 0;
  }

  /** A NUL-terminated string (the protocol's `String`). */
  cstring(): string {
    const b = this.buffer;
    const start = this.offset;
    const nul = b.indexOf(0, start);
    if (nul < 0 || nul >= this.end) {
      throw new ProtocolError(`invalid string in message: missing terminator at offset ${start}`);
    }
    this.offset = nul + 1;
    return decodeUtf8(b, start, nul);
  }

  /** `length` bytes decoded as UTF-8. */
  string(length: number): string {
    this.need(length);
    const start = this.offset;
    this.offset += length;
    return decodeUtf8(this.buffer, start, this.offset);
  }

  /** A view (no copy) of the next `length` bytes. */
  bytes(length: number): Uint8Array {
    this.need(length);
    const start = this.offset;
    this.offset += length;
    return this.buffer.subarray(start, this.offset);
  }

  /** A view of everything not read yet. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** Int32 length then bytes, -1 meaning NULL (DataRow, Bind, FunctionCall values). */
  nullableBytes(): Uint8Array | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < 0) throw new ProtocolError(`invalid value length ${length}`);
    return this.bytes(length);
  }

  /** Count as Int16 then that many Int16 (format codes); counts are unsigned on the wire. */
  int16Array(): number[] {
    const n = this.uint16();
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.int16();
    return out;
  }

  private need(n: number): void {
    if (n < 0 || this.offset + n > this.end) {
      throw new ProtocolError(`message too short: needed ${n} bytes at offset ${this.offset}, ${this.remaining} left`);
    }
  }
}
