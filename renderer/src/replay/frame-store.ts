import type { Frame, FramesPage } from '../api/api.types';
import { FrameWindowCache } from './frame-window-cache';

export type FetchFrames = (from: number, limit: number, signal: AbortSignal) => Promise<FramesPage>;

const MAX_IN_FLIGHT = 3;
/** A server may answer a window with fewer frames than asked; follow `next` this many times per page. */
const MAX_CONTINUATIONS = 8;
/** A page still short of the known total after a load is fetched again, this many times in a row at most. */
const MAX_REFETCHES = 3;

/**
 * Loads frame pages on demand into a FrameWindowCache and tells subscribers when frames arrive (a version counter
 * for useSyncExternalStore). Requests for the same page are shared; at most MAX_IN_FLIGHT run at once, nearest
 * to the most recent request first.
 */
export class FrameStore {
  readonly cache: FrameWindowCache;
  readonly #fetch: FetchFrames;
  readonly #listeners = new Set<() => void>();
  readonly #inFlight = new Set<number>();
  readonly #queue: number[] = [];
  /** Live frames that arrived for a page while it was loading: merged when the page lands. */
  readonly #heldLive = new Map<number, Frame[]>();
  readonly #refetches = new Map<number, number>();
  #abort = new AbortController();
  #focus = 0;
  #version = 0;
  #total: number;
  error: Error | null = null;

  constructor(fetchFrames: FetchFrames, total = 0, cache = new FrameWindowCache()) {
    this.#fetch = fetchFrames;
    this.#total = total;
    this.cache = cache;
  }

  get total(): number {
    return this.#total;
  }

  get loading(): boolean {
    return this.#inFlight.size > 0 || this.#queue.length > 0;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getVersion = (): number => this.#version;

  timeOf = (n: number): number | undefined => this.cache.peek(n)?.tUs;

  setTotal(total: number): void {
    if (total <= this.#total) return;
    this.#total = total;
    this.#changed();
  }

  /** Requests every page covering [from, to]; true when all of those frames are already present. */
  ensure(from: number, to: number): boolean {
    const missing = this.cache.missingPages(from, to, this.#total);
    if (missing.length === 0) return true;
    this.#focus = Math.max(0, from);
    for (const index of missing) {
      if (!this.#inFlight.has(index) && !this.#queue.includes(index)) this.#queue.push(index);
    }
    this.#pump();
    return false;
  }

  /**
   * Frames that arrived over the live socket. Those for a page that is loading are held and merged when it
   * lands: the page's answer may predate them, and the cache takes live frames only where they extend a page.
   */
  appendLive(frames: readonly Frame[]): void {
    if (frames.length === 0) return;
    for (const frame of frames) {
      const index = this.cache.pageOf(frame.n);
      if (!this.#inFlight.has(index) && !this.#queue.includes(index)) continue;
      const held = this.#heldLive.get(index);
      if (held) held.push(frame);
      else this.#heldLive.set(index, [frame]);
    }
    this.cache.append(frames);
    const lastFrame = frames[frames.length - 1];
    if (lastFrame) this.#total = Math.max(this.#total, lastFrame.n + 1);
    this.#changed();
  }

  /** Abandons queued and running requests (on unmount); the store stays usable and refetches on demand. */
  cancel(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
    this.#inFlight.clear();
    this.#queue.length = 0;
    this.#heldLive.clear();
    this.#refetches.clear();
  }

  #pump(): void {
    while (this.#inFlight.size < MAX_IN_FLIGHT && this.#queue.length > 0) {
      // Nearest page to the latest request first: after a seek, the old neighbourhood waits.
      const focusPage = this.cache.pageOf(this.#focus);
      this.#queue.sort((a, b) => Math.abs(a - focusPage) - Math.abs(b - focusPage));
      const index = this.#queue.shift();
      if (index === undefined) return;
      this.#inFlight.add(index);
      const signal = this.#abort.signal;
      this.#loadPage(index, signal)
        .then(() => {
          if (!signal.aborted) this.#landed(index);
        })
        .catch((error: unknown) => {
          if (signal.aborted) return;
          this.error = error instanceof Error ? error : new Error(String(error));
          this.#changed();
        })
        .finally(() => {
          if (signal.aborted) return; // cancel() already forgot this request
          this.#inFlight.delete(index);
          this.#pump();
        });
    }
  }

  /**
   * After a page loaded: merge the live frames held for it, and fetch it again when it is still short of the
   * total (frames written between the server's answer and the live watch reach neither), so a live session
   * that goes quiet, e.g. on a held statement, does not wait on "Loading frames…" forever.
   */
  #landed(index: number): void {
    const held = this.#heldLive.get(index);
    this.#heldLive.delete(index);
    if (held) {
      this.cache.append(held);
      this.#changed();
    }
    const start = index * this.cache.pageSize;
    const short = this.cache.missingPages(start, start + this.cache.pageSize - 1, this.#total).length > 0;
    const refetches = this.#refetches.get(index) ?? 0;
    if (!short || refetches >= MAX_REFETCHES) {
      this.#refetches.delete(index);
      return;
    }
    this.#refetches.set(index, refetches + 1);
    if (!this.#queue.includes(index)) this.#queue.push(index);
  }

  async #loadPage(index: number, signal: AbortSignal): Promise<void> {
    const pageSize = this.cache.pageSize;
    const end = (index + 1) * pageSize;
    let from = index * pageSize;
    for (let i = 0; i < MAX_CONTINUATIONS && from < end; i += 1) {
      const page = await this.#fetch(from, end - from, signal);
      if (signal.aborted) return;
      this.cache.put(page.frames);
      this.#total = Math.max(this.#total, page.total);
      this.error = null;
      this.#changed();
      if (page.next === null || page.next <= from || page.frames.length === 0) return;
      from = page.next;
    }
  }

  #changed(): void {
    this.#version += 1;
    for (const listener of this.#listeners) listener();
  }
}
