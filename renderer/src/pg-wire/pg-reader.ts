/** A message body that ends before its fields do (or a C string without its NUL). */
export class PgDecodeError extends Error {
  override readonly name = 'PgDecodeError';
}

const utf8 = new TextDecoder('utf-8');

/**
 * Reads the fields of one message body, big-endian as the protocol sends them. Views, not copies: the
 * values it returns point into the frame's bytes.
 */
export class PgReader {
  #offset = 0;

  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.#offset;
  }

  byte(): number {
    this.#need(1);
    const value = this.bytes[this.#offset] as number;
    this.#offset += 1;
    return value;
  }

  int16(): number {
    this.#need(2);
    const b = this.bytes;
    const o = this.#offset;
    this.#offset += 2;
    return (((b[o] as number) << 24) | ((b[o + 1] as number) << 16)) >> 16;
  }

  int32(): number {
    this.#need(4);
    const b = this.bytes;
    const o = this.#offset;
    this.#offset += 4;
    return ((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number);
  }

  uint32(): number {
    return this.int32() >>> 0;
  }

  cstring(): string {
    const end = this.bytes.indexOf(0, this.#offset);
    if (end < 0) throw new PgDecodeError(`string at byte ${this.#offset} has no terminating NUL`);
    const text = utf8.decode(this.bytes.subarray(this.#offset, end));
    this.#offset = end + 1;
    return text;
  }

  take(length: number): Uint8Array {
    if (length < 0) throw new PgDecodeError(`negative length ${length} at byte ${this.#offset}`);
    this.#need(length);
    const view = this.bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return view;
  }

  /** The rest of the body. */
  rest(): Uint8Array {
    return this.take(this.remaining);
  }

  /** An Int16 count followed by that many Int16 values (format codes, …). */
  int16List(): number[] {
    const count = this.int16();
    const out: number[] = [];
    for (let i = 0; i < count; i += 1) out.push(this.int16());
    return out;
  }

  /** An Int32 length (−1: NULL) followed by that many bytes. */
  lengthPrefixed(): Uint8Array | null {
    const length = this.int32();
    return length === -1 ? null : this.take(length);
  }

  #need(n: number): void {
    if (this.remaining < n) {
      throw new PgDecodeError(`needs ${n} more bytes at byte ${this.#offset}, ${this.remaining} left`);
    }
  }
}
