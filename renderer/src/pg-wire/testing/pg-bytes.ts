// Builder fixtures for PostgreSQL wire bytes (after pg-protocol's testing/buffer-list.ts): tests write the
// messages field by field, so every byte of a fixture is visible in the test that uses it.

const utf8 = new TextEncoder();

export class PgBytes {
  readonly #bytes: number[] = [];

  byte(value: number): this {
    this.#bytes.push(value & 0xff);
    return this;
  }

  int16(value: number): this {
    return this.byte(value >> 8).byte(value);
  }

  int32(value: number): this {
    return this.byte(value >>> 24)
      .byte(value >>> 16)
      .byte(value >>> 8)
      .byte(value);
  }

  cstring(text: string): this {
    return this.raw(utf8.encode(text)).byte(0);
  }

  raw(bytes: Uint8Array): this {
    for (const b of bytes) this.#bytes.push(b);
    return this;
  }

  /** An Int32 length then the bytes; null is length −1. */
  value(value: string | Uint8Array | null): this {
    if (value === null) return this.int32(-1);
    const bytes = typeof value === 'string' ? utf8.encode(value) : value;
    return this.int32(bytes.length).raw(bytes);
  }

  /** A typed message: the type letter, an Int32 length counting itself, the body written so far. */
  message(type: string): Uint8Array {
    return new PgBytes()
      .byte(type.charCodeAt(0))
      .int32(this.#bytes.length + 4)
      .raw(Uint8Array.from(this.#bytes))
      .bytes();
  }

  /** A startup-phase packet: an Int32 length counting itself, then the body, no type byte. */
  packet(): Uint8Array {
    return new PgBytes()
      .int32(this.#bytes.length + 4)
      .raw(Uint8Array.from(this.#bytes))
      .bytes();
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

export const startup = (params: Record<string, string>) => {
  const b = new PgBytes().int32(3 << 16);
  for (const [name, value] of Object.entries(params)) b.cstring(name).cstring(value);
  return b.byte(0).packet();
};
export const query = (sql: string) => new PgBytes().cstring(sql).message('Q');
export const parse = (name: string, sql: string, types: number[] = []) => {
  const b = new PgBytes().cstring(name).cstring(sql).int16(types.length);
  for (const t of types) b.int32(t);
  return b.message('P');
};
export const bind = (statement: string, params: (string | Uint8Array | null)[], formats: number[] = []) => {
  const b = new PgBytes().cstring('').cstring(statement).int16(formats.length);
  for (const f of formats) b.int16(f);
  b.int16(params.length);
  for (const p of params) b.value(p);
  return b.int16(0).message('B');
};
export const execute = (portal = '', maxRows = 0) => new PgBytes().cstring(portal).int32(maxRows).message('E');
export const sync = () => new PgBytes().message('S');
export const password = (secret: string) => new PgBytes().cstring(secret).message('p');
export const copyData = (data: string) => new PgBytes().raw(utf8.encode(data)).message('d');
export const rowDescription = (columns: { name: string; format?: number }[]) => {
  const b = new PgBytes().int16(columns.length);
  for (const c of columns)
    b.cstring(c.name)
      .int32(16384)
      .int16(2)
      .int32(25)
      .int16(-1)
      .int32(-1)
      .int16(c.format ?? 0);
  return b.message('T');
};
export const dataRow = (values: (string | Uint8Array | null)[]) => {
  const b = new PgBytes().int16(values.length);
  for (const v of values) b.value(v);
  return b.message('D');
};
export const commandComplete = (tag: string) => new PgBytes().cstring(tag).message('C');
export const readyForQuery = (status = 'I') => new PgBytes().byte(status.charCodeAt(0)).message('Z');
export const errorFields = (type: 'E' | 'N', fields: Record<string, string>) => {
  const b = new PgBytes();
  for (const [letter, value] of Object.entries(fields)) b.byte(letter.charCodeAt(0)).cstring(value);
  return b.byte(0).message(type);
};
