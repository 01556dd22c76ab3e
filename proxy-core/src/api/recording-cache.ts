import { type Decompressor, openRecording, type Recording } from '@vigil/recordings';
import type { Logger } from '../logger';
import { openFileByteSource } from '../recording/file-byte-source';
import { createZstdDecompressor } from '../recording/zstd-compressor';
import type { Session, Store } from '../store/store.types';

interface Entry {
  /** Chunks the store listed when the recording was opened: a live session's file grows past them. */
  chunks: number;
  opened: Promise<{ recording: Recording; close(): Promise<void> }>;
  lastUsed: number;
}

/** How long a recording nobody reads stays open, and how many stay open at most. */
const IDLE_MS = 30_000;
const MAX_OPEN = 32;
/** A replaced entry may still be read by a request in flight; its file is closed a little later. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Open recordings, kept briefly so paging through a session does not reopen its file each time. A recording
 * is opened with the store's chunk index (no scan of the file) and reads only the chunks asked for. For a live
 * session the cached reader covers the chunks flushed when it was opened; once the store lists more, it is
 * reopened.
 */
export class RecordingCache {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly decompressor: Decompressor = createZstdDecompressor();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {
    this.sweeper = setInterval(() => this.sweep(), IDLE_MS / 2);
    this.sweeper.unref();
  }

  async open(session: Session): Promise<Recording> {
    const current = this.entries.get(session.id);
    if (current && current.chunks === session.chunks) {
      current.lastUsed = Date.now();
      return (await current.opened).recording;
    }
    if (current) this.retire(session.id, current);
    const entry: Entry = { chunks: session.chunks, opened: this.load(session), lastUsed: Date.now() };
    this.entries.set(session.id, entry);
    entry.opened.catch(() => this.entries.delete(session.id));
    if (this.entries.size > MAX_OPEN) this.evictLeastRecent();
    return (await entry.opened).recording;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const [id, entry] of [...this.entries]) this.retire(id, entry, 0);
  }

  private async load(session: Session): Promise<{ recording: Recording; close(): Promise<void> }> {
    const source = await openFileByteSource(session.recording);
    try {
      // Only chunks wholly in the file as it is now: the store may list a chunk a moment before its bytes land.
      const index = this.store.chunks(session.id).filter((c) => c.offset + c.length <= source.size);
      const recording = await openRecording(source, { index, decompressor: this.decompressor });
      return { recording, close: () => source.close() };
    } catch (err) {
      await source.close();
      throw err;
    }
  }

  private retire(id: string, entry: Entry, delayMs = CLOSE_GRACE_MS): void {
    if (this.entries.get(id) === entry) this.entries.delete(id);
    const timer = setTimeout(() => {
      entry.opened.then(
        (r) => r.close().catch(() => {}),
        () => {},
      );
    }, delayMs);
    timer.unref();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of [...this.entries]) if (now - entry.lastUsed > IDLE_MS) this.retire(id, entry);
  }

  private evictLeastRecent(): void {
    let oldest: [string, Entry] | undefined;
    for (const item of this.entries) if (!oldest || item[1].lastUsed < oldest[1].lastUsed) oldest = item;
    if (oldest) {
      this.logger.debug('closing least recently read recording', { session: oldest[0] });
      this.retire(oldest[0], oldest[1]);
    }
  }
}
