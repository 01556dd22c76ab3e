import { encodeUtf8Into, utf8Length } from './text';

/** Room kept at the front for the type byte and the Int32 length, filled in by `flush`. */
const HEADER = 5;
const EMPTY = new Uint8Array(0);

/**
 * Builds one message at a time (after node-postgres' pg-protocol `buffer-writer.ts`):
 * `writer.addCString(sql).flush(FrontendCode.Query)`. `flush` hands out the bytes without copying
 * and allocates the next buffer only when the next message is started, so a writer sized right up
 * front (`new BufferWriter(bodySize)`) costs exactly one allocation per message.
 */
export class BufferWriter {
  private buffer: Uint8Array = EMPTY;
  private offset = HEADER;

  /** `initialSize`: expected body size; the buffer doubles when a message outgrows it. */
  constructor(private readonly initialSize = 256) {}

  addByte(value: number): this {
    this.ensure(1);
    this.buffer[this.offset++] = value;
    return this;
  }

  addInt16(value: number): this {
    this.ensure(2);
    const b = this.buffer;
    b[this.offset++] = (value >>> 8) & 0xff;
    b[this.offset++] = value & 0xff;
    return this;
  }

  /** Signed or unsigned: both wrap to the same 32 bits (PIDs, secret keys, OIDs). */
  addInt32(value: number): this {
    this.ensure(4);
    const b = this.buffer;
    b[this.offset++] = (value >>> 24) & 0xff;
    b[this.offset++] = (value >>> 16) & 0xff;
    b[this.offset++] = (value >>> 8) & 0xff;
    b[this.offset++] = value & 0xff;
    return this;
  }

  /** UTF-8 then NUL (the protocol's `String`). */
  addCString(value: string): this {
    this.addString(value);
    return this.addByte(0);
  }

  /** UTF-8, no terminator. */
  addString(value: string): this {
    // 3 bytes per UTF-16 unit is TextEncoder's worst case; measure only when that would grow us.
    const worst = value.length * 3;
    this.ensure(this.offset + worst <= this.buffer.length ? worst : utf8Length(value));
    this.offset += encodeUtf8Into(value, this.buffer, this.offset);
    return this;
  }

  addBytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  /** Int32 length then bytes; null is length -1. */
  addNullableBytes(value: Uint8Array | null): this {
    if (value === null) return this.addInt32(-1);
    return this.addInt32(value.length).addBytes(value);
  }

  /**
   * Finishes the message: with `code`, type byte + Int32 length + body; without (startup-phase
   * packets), Int32 length + body. The length counts itself, not the type byte.
   */
  flush(code?: number): Uint8Array {
    this.ensure(0);
    const b = this.buffer;
    const end = this.offset;
    const length = end - 1;
    b[1] = (length >>> 24) & 0xff;
    b[2] = (length >>> 16) & 0xff;
    b[3] = (length >>> 8) & 0xff;
    b[4] = length & 0xff;
    let out: Uint8Array;
    if (code === undefined) out = b.subarray(1, end);
    else {
      b[0] = code;
      out = b.subarray(0, end);
    }
    this.buffer = EMPTY;
    this.offset = HEADER;
    return out;
  }

  private ensure(n: number): void {
    const needed = this.offset + n;
    if (needed <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2, this.initialSize + HEADER));
    grown.set(this.buffer.subarray(0, this.offset));
    this.buffer = grown;
  }
}
