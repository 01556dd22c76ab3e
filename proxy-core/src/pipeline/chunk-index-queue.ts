import type { ChunkWrite, Session, Store } from '../store/store.types';

/**
 * Chunk index entries (with each session's commands and counters) on their way to the store. Many sessions'
 * chunks go in one transaction every `delayMs` instead of one commit each: on pgbench-like traffic a commit per
 * chunk costs more than the chunk's compression. The index trails the recording file by at most `delayMs`; it is
 * rebuilt from the file after a crash anyway.
 */
export interface ChunkIndexQueue {
  /** `done` gets the session as it now is, or the error that kept the write out (the session must then end). */
  add(write: ChunkWrite, done: (result: Session | Error) => void): void;
  /** Writes what is pending now (before a session ends, before the store closes). */
  flush(): void;
}

/** `delayMs: 0` writes each entry at once. */
export function createChunkIndexQueue(store: Store, opts: { delayMs: number }): ChunkIndexQueue {
  let pending: Array<{ write: ChunkWrite; done: (result: Session | Error) => void }> = [];
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    let results: Array<Session | Error>;
    try {
      results = store.chunksWritten(batch.map((p) => p.write));
    } catch (err) {
      results = batch.map(() => err as Error);
    }
    batch.forEach((p, i) => {
      p.done(results[i] ?? new Error('the store returned no result for a chunk'));
    });
  }

  return {
    add(write, done) {
      pending.push({ write, done });
      if (opts.delayMs <= 0) flush();
      else timer ??= setTimeout(flush, opts.delayMs);
    },
    flush,
  };
}
