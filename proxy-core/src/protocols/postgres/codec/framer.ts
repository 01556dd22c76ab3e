import { FramingError } from './errors';

const EMPTY = new Uint8Array(0);

/** One whole protocol message. */
export interface PgFrame {
  /** Type byte; 0 for startup-phase packets, which have none. */
  readonly code: number;
  /** The body after the length field. */
  readonly payload: Uint8Array;
  /** The whole message as it came over the wire, type byte and length included (what gets relayed and recorded). */
  readonly bytes: Uint8Array;
}

export interface MessageFramerOptions {
  /** Start in the startup phase (the gateway's agent side); the upstream side starts typed. */
  readonly startup: boolean;
  /** Largest accepted value of the Int32 length field (which counts itself, not the type byte). */
  readonly maxMessageSize: number;
}

/**
 * PostgreSQL's own limit on a startup packet's body (MAX_STARTUP_PACKET_LENGTH in
 * src/include/libpq/pqcomm.h); below 4 there is not even a protocol version.
 * @see https://www.postgresql.org/docs/current/protocol-overview.html#PROTOCOL-MESSAGE-CONCEPTS
 */
export const MAX_STARTUP_PACKET_LENGTH = 10000;

/**
 * Turns socket chunks into whole messages (pg-gateway's `message-buffer.ts`, framing apart from
 * decoding). A message that lies within one chunk comes out as a view of that chunk; one that spans
 * chunks is copied once into a buffer of its exact size. Chunks are kept by reference, so the caller
 * must not reuse a pushed buffer (Node sockets never do).
 */
export class MessageFramer {
  private readonly chunks: Uint8Array[] = [];
  /** Index in `chunks` of the first chunk with unread bytes, and the first unread byte in it. */
  private head = 0;
  private headOffset = 0;
  private total = 0;
  private startup: boolean;
  private readonly maxMessageSize: number;

  constructor(opts: MessageFramerOptions) {
    this.startup = opts.startup;
    this.maxMessageSize = opts.maxMessageSize;
  }

  /** Bytes received and not yet returned by `next()`; must be 0 right after an SSLRequest is answered (CVE-2021-23214). */
  get buffered(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    // Views of a plain Uint8Array: a Buffer's subarray() builds a Buffer, several times dearer, once per message.
    this.chunks.push(chunk instanceof Buffer ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length) : chunk);
    this.total += chunk.length;
  }

  /** After the StartupMessage (not after SSLRequest / GSSENCRequest, which another startup packet follows). */
  startupDone(): void {
    this.startup = false;
  }

  /** The next whole message, or undefined until more bytes arrive. Throws FramingError on an impossible length. */
  next(): PgFrame | undefined {
    const headerSize = this.startup ? 4 : 5;
    if (this.total < headerSize) return undefined;
    const code = this.startup ? 0 : this.byteAt(0);
    const length = this.lengthAt(headerSize - 4);
    this.checkLength(code, length);
    const size = length + headerSize - 4;
    if (this.total < size) return undefined;
    const bytes = this.take(size);
    return { code, payload: bytes.subarray(headerSize), bytes };
  }

  /**
   * Up to `limit` whole messages already buffered behind those `next()` returned, without consuming them (a held
   * statement's session looks at what the client sent after it). Stops at an impossible length, which `next()` will
   * report.
   */
  peek(limit: number): PgFrame[] {
    if (this.startup) return [];
    const out: PgFrame[] = [];
    let pos = 0;
    while (out.length < limit && this.total - pos >= 5) {
      const length = this.lengthAt(pos + 1);
      if (length < 4 || length > this.maxMessageSize || this.total - pos < length + 1) break;
      const bytes = this.copy(pos, length + 1);
      out.push({ code: bytes[0] as number, payload: bytes.subarray(5), bytes });
      pos += length + 1;
    }
    return out;
  }

  /** A copy of `size` unread bytes from logical position `pos`. */
  private copy(pos: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    let skip = this.headOffset + pos;
    let written = 0;
    for (let i = this.head; i < this.chunks.length && written < size; i++) {
      const chunk = this.chunks[i] as Uint8Array;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const n = Math.min(chunk.length - skip, size - written);
      out.set(chunk.subarray(skip, skip + n), written);
      written += n;
      skip = 0;
    }
    return out;
  }

  private checkLength(code: number, length: number): void {
    if (this.startup) {
      const body = length - 4;
      if (body < 4 || body > MAX_STARTUP_PACKET_LENGTH) {
        throw new FramingError(
          `invalid message length ${length} in startup packet (body must be 4 to ${MAX_STARTUP_PACKET_LENGTH} bytes)`,
        );
      }
    } else if (length < 4 || length > this.maxMessageSize) {
      throw new FramingError(
        `invalid message length ${length} for message type ${describeCode(code)} (must be 4 to ${this.maxMessageSize})`,
      );
    }
  }

  /** Unsigned Int32 at logical position `pos` of the unread bytes (may straddle chunks). */
  private lengthAt(pos: number): number {
    const chunk = this.chunks[this.head] as Uint8Array;
    const o = this.headOffset + pos;
    if (o + 4 <= chunk.length) {
      return (
        (((chunk[o] as number) << 24) |
          ((chunk[o + 1] as number) << 16) |
          ((chunk[o + 2] as number) << 8) |
          (chunk[o + 3] as number)) >>>
        0
      );
    }
    return (
      ((this.byteAt(pos) << 24) | (this.byteAt(pos + 1) << 16) | (this.byteAt(pos + 2) << 8) | this.byteAt(pos + 3)) >>>
      0
    );
  }

  private byteAt(pos: number): number {
    let p = this.headOffset + pos;
    for (let i = this.head; i < this.chunks.length; i++) {
      const chunk = this.chunks[i] as Uint8Array;
      if (p < chunk.length) return chunk[p] as number;
      p -= chunk.length;
    }
    throw new RangeError(`byteAt(${pos}) past ${this.total} buffered bytes`);
  }

  /** Removes `size` bytes from the front: a view when they lie in one chunk, else one exact-size copy. */
  private take(size: number): Uint8Array {
    this.total -= size;
    const first = this.chunks[this.head] as Uint8Array;
    const start = this.headOffset;
    if (start + size <= first.length) {
      this.advance(first, start + size);
      return first.subarray(start, start + size);
    }
    const out = new Uint8Array(size);
    let written = 0;
    while (written < size) {
      const chunk = this.chunks[this.head] as Uint8Array;
      const from = this.headOffset;
      const n = Math.min(chunk.length - from, size - written);
      out.set(chunk.subarray(from, from + n), written);
      written += n;
      this.advance(chunk, from + n);
    }
    return out;
  }

  private advance(chunk: Uint8Array, offset: number): void {
    if (offset < chunk.length) {
      this.headOffset = offset;
      return;
    }
    this.headOffset = 0;
    this.chunks[this.head++] = EMPTY; // let the consumed chunk go even before the splice below
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 64) {
      // Many tiny chunks (a client writing byte by byte): drop the consumed ones in one go, not one shift each.
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
  }
}

function describeCode(code: number): string {
  return code >= 0x20 && code < 0x7f ? `'${String.fromCharCode(code)}'` : `0x${code.toString(16).padStart(2, '0')}`;
}
