/**
 * Builder for protocol bytes in tests, after pg-protocol's `testing/buffer-list.ts`:
 * `new BufferList().addCString('select 1').join(true, 'Q')` is a whole Query message.
 */
export class BufferList {
  private readonly parts: Uint8Array[] = [];

  add(bytes: Uint8Array | readonly number[]): this {
    this.parts.push(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
    return this;
  }

  addByte(value: number): this {
    return this.add([value & 0xff]);
  }

  addChar(char: string): this {
    return this.addByte(char.charCodeAt(0));
  }

  addInt16(value: number): this {
    return this.add([(value >>> 8) & 0xff, value & 0xff]);
  }

  addInt32(value: number): this {
    return this.add([(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
  }

  addString(value: string): this {
    return this.add(new TextEncoder().encode(value));
  }

  addCString(value: string): this {
    return this.addString(value).addByte(0);
  }

  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }

  /** The bytes; with `appendLength`, prefixed by the Int32 length (counting itself), then by `code` when given. */
  join(appendLength = false, code?: string): Uint8Array {
    const body = concat(this.parts);
    if (!appendLength) return code === undefined ? body : concat([Uint8Array.of(code.charCodeAt(0)), body]);
    const head = new BufferList();
    if (code !== undefined) head.addChar(code);
    head.addInt32(body.length + 4);
    return concat([head.join(), body]);
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function text(bytes: Uint8Array | null | undefined): string | null {
  return bytes == null ? null : new TextDecoder().decode(bytes);
}

export function utf8(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}
