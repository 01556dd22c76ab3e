import type { Frame } from '../api/api.types';

export const PAGE_SIZE = 500;
export const PAGE_CAPACITY = 40;

/** Frames of one page, contiguous from the page's first frame (a page may be partly filled). */
interface Page {
  start: number;
  frames: Frame[];
}

/**
 * The frames of one session that the replayer holds: fixed pages of PAGE_SIZE frames, least recently used pages
 * evicted beyond `capacity`. A 1M-frame recording is never held whole: only the pages around the cursor.
 * Frame numbers are 0-based and dense (frame n is the nth frame of the recording).
 */
export class FrameWindowCache {
  readonly #pages = new Map<number, Page>();

  constructor(
    readonly pageSize = PAGE_SIZE,
    readonly capacity = PAGE_CAPACITY,
  ) {}

  pageOf(n: number): number {
    return Math.floor(n / this.pageSize);
  }

  get pageCount(): number {
    return this.#pages.size;
  }

  /** The frame, marking its page as recently used. */
  get(n: number): Frame | undefined {
    const index = this.pageOf(n);
    const page = this.#pages.get(index);
    if (!page) return undefined;
    this.#pages.delete(index);
    this.#pages.set(index, page);
    return page.frames[n - page.start];
  }

  /** The frame, without touching the LRU order (for hot loops such as the playback clock). */
  peek(n: number): Frame | undefined {
    const page = this.#pages.get(this.pageOf(n));
    return page?.frames[n - page.start];
  }

  has(n: number): boolean {
    return this.peek(n) !== undefined;
  }

  /** Stores consecutive frames fetched from the server: a window may span pages; it starts a page or extends one. */
  put(frames: readonly Frame[]): void {
    for (const frame of frames) this.#store(frame, true);
    this.#evict();
  }

  /**
   * Adds live frames. They land only where they extend a page that is present (or start a new page right after
   * a full one); anything else is left for a later fetch, so the cache never holds a page with a hole.
   */
  append(frames: readonly Frame[]): void {
    for (const frame of frames) this.#store(frame, false);
    this.#evict();
  }

  /** Pages that must be fetched so that every frame in [from, to] (clamped to the recording) is present. */
  missingPages(from: number, to: number, total: number): number[] {
    const first = Math.max(0, from);
    const last = Math.min(to, total - 1);
    if (last < first) return [];
    const missing: number[] = [];
    for (let index = this.pageOf(first); index <= this.pageOf(last); index += 1) {
      const start = index * this.pageSize;
      const needed = Math.min(this.pageSize, total - start);
      if ((this.#pages.get(index)?.frames.length ?? 0) < needed) missing.push(index);
    }
    return missing;
  }

  /** Frames in [from, to] that are present, in order (a gap ends nothing: missing frames are skipped). */
  range(from: number, to: number): Frame[] {
    const out: Frame[] = [];
    for (let index = this.pageOf(Math.max(0, from)); index <= this.pageOf(to); index += 1) {
      const page = this.#pages.get(index);
      if (!page) continue;
      for (const frame of page.frames) if (frame.n >= from && frame.n <= to) out.push(frame);
    }
    return out;
  }

  clear(): void {
    this.#pages.clear();
  }

  #store(frame: Frame, create: boolean): void {
    const index = this.pageOf(frame.n);
    const start = index * this.pageSize;
    let page = this.#pages.get(index);
    if (!page) {
      const previous = this.#pages.get(index - 1);
      const extendsFullPage = frame.n === start && (index === 0 || previous?.frames.length === this.pageSize);
      if (!create && !extendsFullPage) return;
      if (frame.n !== start) return; // a page always starts at its first frame
      page = { start, frames: [] };
      this.#pages.set(index, page);
    }
    const offset = frame.n - start;
    if (offset < page.frames.length) page.frames[offset] = frame;
    else if (offset === page.frames.length) page.frames.push(frame);
    // else: a hole before this frame; the page is refetched when that range is needed.
  }

  #evict(): void {
    while (this.#pages.size > this.capacity) {
      const oldest = this.#pages.keys().next().value;
      if (oldest === undefined) return;
      this.#pages.delete(oldest);
    }
  }
}
