/**
 * Exact-size views carved out of larger buffers, for messages built once per row. V8 gives each
 * Uint8Array over 64 bytes its own off-heap store, which costs several times the encoding itself;
 * a view of a slab does not (the idea behind Node's Buffer pool). One per session, never shared:
 * a slab stays alive while any view of it does, so at most one slab per session is held extra.
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
    // Keep views 8-byte aligned, as Node's pool does.
    this.offset = (start + size + 7) & ~7;
    return this.slab.subarray(start, start + size);
  }
}
