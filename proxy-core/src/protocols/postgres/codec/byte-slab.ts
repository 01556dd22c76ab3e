/**
 * Exact-size views carved out of larger buffers, for messages built once per row. V8 gives each
 * Uint8Array over 64 bytes its own off-heap store, which costs several times the encoding itself;
 * a view of a slab does not (the idea behind Node's Buffer pool). Views are packed back to back, so
 * messages built one after another are one run of bytes (coalesce.ts joins them into one write).
 * One per session, never shared: a slab stays alive while any view of it does, so at most one slab
 * per session is held extra.
 */
export class ByteSlab {
  private slab: Uint8Array;
  private offset = 0;

  /** Requests above `slabSize / 8` get their own buffer, so one big row cannot waste most of a slab. */
  constructor(private readonly slabSize = 64 * 1024) {
    this.slab = new Uint8Array(slabSize);
  }

  /** `size` bytes, not zeroed: the caller must write every one. */
  alloc(size: number): Uint8Array {
    if (size > this.slabSize >>> 3) return new Uint8Array(size);
    if (this.offset + size > this.slabSize) {
      this.slab = new Uint8Array(this.slabSize);
      this.offset = 0;
    }
    const start = this.offset;
    this.offset = start + size;
    return this.slab.subarray(start, start + size);
  }
}
