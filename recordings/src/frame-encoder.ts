import { CHUNK, FrameTag } from './format';
import { JsonText } from './json-text';
import type { Direction } from './recording.types';
import { varintSize, writeVarint } from './varint';

/** Worst case of tag + time delta + channel + length varints. */
const MAX_FRAME_OVERHEAD = 1 + 8 + 1 + 8;
const textEncoder = new TextEncoder();
/** Texts up to this many characters are encoded in place (room for 3 bytes per character is reserved first). */
const DIRECT_TEXT_LIMIT = 1 << 16;

/**
 * The raw (uncompressed) bytes of the chunk being filled. Appends write straight into one growable
 * buffer that is reused for every chunk, so a frame costs one payload copy and no allocation.
 * @see FORMAT.md §4 for the frame encoding.
 */
export class FrameEncoder {
  buf: Uint8Array;
  length = 0;
  frames = 0;
  firstTUs = 0;
  lastTUs = 0;
  /** Time of the last frame ever appended: times never go backwards across chunks either. */
  private clampTUs = 0;

  constructor(initialCapacity: number) {
    this.buf = new Uint8Array(initialCapacity);
  }

  bytes(tUs: number, direction: Direction, payload: Uint8Array, channel: number): void {
    if (channel !== 0 && !(channel > 0 && channel < 256 && Number.isInteger(channel))) {
      throw new RangeError(`channel must be an integer in 0..255, got ${channel}`);
    }
    const n = payload.length;
    const tag =
      (direction === 'client' ? FrameTag.bytesClient : FrameTag.bytesServer) |
      (channel !== 0 ? FrameTag.hasChannel : 0);
    let p = this.begin(tUs, n + MAX_FRAME_OVERHEAD, tag);
    const b = this.buf;
    if (channel !== 0) b[p++] = channel;
    p = writeVarint(b, p, n);
    b.set(payload, p);
    this.length = p + n;
  }

  resize(tUs: number, cols: number, rows: number): void {
    for (const v of [cols, rows]) {
      if (!(Number.isInteger(v) && v >= 0 && v <= 0xffff)) throw new RangeError(`terminal size out of range: ${v}`);
    }
    let p = this.begin(tUs, MAX_FRAME_OVERHEAD + 3, FrameTag.resize);
    p = writeVarint(this.buf, p, cols);
    this.length = writeVarint(this.buf, p, rows);
  }

  annotation(tUs: number, value: unknown): void {
    const text = value instanceof JsonText ? value.text : (JSON.stringify(value) ?? 'null');
    if (text.length > DIRECT_TEXT_LIMIT) {
      const json = textEncoder.encode(text);
      const at = this.begin(tUs, json.length + MAX_FRAME_OVERHEAD, FrameTag.annotation); // may replace this.buf
      const p = writeVarint(this.buf, at, json.length);
      this.buf.set(json, p);
      this.length = p + json.length;
      return;
    }
    // Encoded straight into the chunk (no intermediate buffer), after room for the length of an ASCII text; a
    // text with wider characters whose length needs another varint size is moved into place.
    const p = this.begin(tUs, text.length * 3 + MAX_FRAME_OVERHEAD, FrameTag.annotation);
    const guess = varintSize(text.length);
    const { written } = textEncoder.encodeInto(text, this.buf.subarray(p + guess));
    const size = varintSize(written);
    if (size !== guess) this.buf.copyWithin(p + size, p + guess, p + guess + written);
    this.length = writeVarint(this.buf, p, written) + written;
  }

  reset(): void {
    this.length = 0;
    this.frames = 0;
  }

  /** Reserves room, writes the tag and time delta, and returns the write position after them. */
  private begin(tUs: number, room: number, tag: number): number {
    if (!(tUs >= 0 && tUs <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`invalid frame time ${tUs}`);
    const t = Math.max(Math.trunc(tUs), this.clampTUs);
    if (this.length + room > CHUNK.maxRawLength) {
      throw new RangeError('chunk would exceed 64 MiB raw: flush more often or split the payload');
    }
    if (this.length + room > this.buf.length) this.grow(this.length + room);
    if (this.frames === 0) {
      this.firstTUs = t;
      this.lastTUs = t;
    }
    const b = this.buf;
    b[this.length] = tag;
    const p = writeVarint(b, this.length + 1, t - this.lastTUs);
    this.lastTUs = t;
    this.clampTUs = t;
    this.frames++;
    return p;
  }

  private grow(min: number): void {
    let cap = this.buf.length * 2;
    while (cap < min) cap *= 2;
    const next = new Uint8Array(Math.min(cap, CHUNK.maxRawLength));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}
