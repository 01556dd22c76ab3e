import { closeSync, close as fsClose, fsync, mkdirSync, openSync, unlinkSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type ChunkIndexEntry,
  type Compressor,
  createRecordingWriter,
  type Direction,
  fingerprint,
  type RecordingHeader,
  type RecordingWriter,
  type SealSummary,
} from '@vigil/recordings';
import type { Logger } from '../logger';
import type { ChunkCompressor } from './chunk-compressor';
import { nodeSignEd25519 } from './node-ed25519';
import { nodeSha256 } from './node-sha256';

/**
 * Session metadata from the caller (sessionId and protocol are required, checked when the recorder is
 * created). The recorder adds `gatewayKeyFingerprint`, and `startedAt`/`startedAtUs` unless given.
 */
export type RecordingHeaderInit = Record<string, unknown>;

export interface SessionRecorderOptions {
  path: string;
  header: RecordingHeaderInit;
  compressor: Compressor;
  /** Compresses chunks off the main thread instead of `compressor` (which the gateway keeps for tools and tests). */
  chunkCompressor?: ChunkCompressor;
  signingKey: { privateKey: Uint8Array; publicKey: Uint8Array };
  /**
   * µs. Only differences are recorded (frame offsets, duration), so a monotonic clock is best; the
   * wall-clock start is `header.startedAtUs`, else `header.startedAt`, else this clock's first reading.
   */
  clock: () => number;
  logger: Logger;
  /** A chunk is on disk (written, not yet fsynced): index it. */
  onChunk?: (entry: ChunkIndexEntry) => void;
  /** Recording failed: the session must end and stop forwarding. Called once. */
  onError?: (err: Error) => void;
  flushIntervalMs?: number;
  maxChunkRaw?: number;
}

export interface SessionRecorder {
  readonly path: string;
  readonly header: RecordingHeader;
  /** Copies `data` (callers pass views of socket buffers). No-op once failed or closing. */
  recordBytes(direction: Direction, data: Uint8Array, channel?: number): void;
  recordAnnotation(value: unknown): void;
  recordResize(cols: number, rows: number): void;
  /** µs since the recording started: the time the next frame would get. */
  now(): number;
  readonly frames: number;
  readonly bytesClient: number;
  readonly bytesServer: number;
  /** Bytes produced but not yet written to the file. */
  readonly pendingWriteBytes: number;
  /** The first write/compression error; the recording stopped there. */
  readonly failed: Error | undefined;
  /** Flushes pending frames, seals, fsyncs and closes. Rejects with `failed` if recording failed. */
  close(opts: { reason: string; interrupted?: boolean }): Promise<SealSummary>;
}

/**
 * Records one session to `path`. The file and its header are written synchronously so that a
 * recording that cannot start throws here and the gateway refuses the session (fail closed). Chunks
 * are then written in order by one `fs.write` at a time, off the data path.
 */
export function createSessionRecorder(opts: SessionRecorderOptions): SessionRecorder {
  const startUs = opts.clock();
  const startedAtUs = wallClockStart(opts.header, startUs);
  const header: RecordingHeader = {
    ...opts.header,
    sessionId: requireString(opts.header, 'sessionId'),
    protocol: requireString(opts.header, 'protocol'),
    startedAt: new Date(Math.floor(startedAtUs / 1000)).toISOString(),
    startedAtUs,
    gatewayKeyFingerprint: fingerprint(opts.signingKey.publicKey),
  };
  const writer = createRecordingWriter({
    header,
    compressor: opts.compressor,
    maxChunkRaw: opts.maxChunkRaw,
    sha256: nodeSha256,
  });
  const fd = createFile(opts.path, writer.headerBytes());
  return new Recorder(opts, header, writer, fd, startUs);
}

function wallClockStart(h: RecordingHeaderInit, clockUs: number): number {
  if (typeof h.startedAtUs === 'number') return h.startedAtUs;
  const parsed = typeof h.startedAt === 'string' ? Date.parse(h.startedAt) : Number.NaN;
  return Number.isNaN(parsed) ? Math.trunc(clockUs) : parsed * 1000;
}

function requireString(h: RecordingHeaderInit, key: string): string {
  const v = h[key];
  if (typeof v !== 'string' || v === '') throw new TypeError(`recording header needs a ${key}`);
  return v;
}

function createFile(path: string, headerBytes: Uint8Array): number {
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
  const fd = openSync(path, 'wx', 0o640); // never overwrite a recording
  try {
    let done = 0;
    while (done < headerBytes.length) done += writeSync(fd, headerBytes, done, headerBytes.length - done, done);
    return fd;
  } catch (err) {
    closeSync(fd);
    unlinkSync(path);
    throw err;
  }
}

interface QueuedWrite {
  bytes: Uint8Array;
  written: number;
  entry: ChunkIndexEntry | undefined;
}

class Recorder implements SessionRecorder {
  readonly path: string;
  failed: Error | undefined;
  /** Compressed chunks waiting for the file. */
  private queuedBytes = 0;
  /** Raw bytes of chunks being compressed. */
  private compressingBytes = 0;
  /** Chunks compressed elsewhere are committed and queued in the order they were taken. */
  private commits: Promise<void> = Promise.resolve();
  private readonly maxChunkRaw: number;
  private readonly flushIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: QueuedWrite[] = [];
  private writing = false;
  private position: number;
  private closing: Promise<SealSummary> | undefined;
  private drainWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private closeWanted = false;
  private fdClosing = false;
  private resolveFdClosed!: () => void;
  private readonly fdClosed = new Promise<void>((resolve) => {
    this.resolveFdClosed = resolve;
  });

  constructor(
    private readonly opts: SessionRecorderOptions,
    readonly header: RecordingHeader,
    private readonly writer: RecordingWriter,
    private readonly fd: number,
    private readonly startUs: number,
  ) {
    this.path = opts.path;
    this.maxChunkRaw = opts.maxChunkRaw ?? 65536;
    this.flushIntervalMs = opts.flushIntervalMs ?? 250;
    this.position = writer.offset;
  }

  get frames(): number {
    return this.writer.frames;
  }

  get pendingWriteBytes(): number {
    return this.queuedBytes + this.compressingBytes;
  }

  get bytesClient(): number {
    return this.writer.bytesClient;
  }

  get bytesServer(): number {
    return this.writer.bytesServer;
  }

  recordBytes(direction: Direction, data: Uint8Array, channel = 0): void {
    if (this.closing || this.failed) return;
    const t = this.now();
    const max = this.maxChunkRaw;
    if (data.length <= max) {
      this.afterAppend(this.writer.appendBytes(t, direction, data, channel));
      return;
    }
    // A payload larger than a chunk becomes several frames, so chunks stay near maxChunkRaw.
    for (let at = 0; at < data.length; at += max) {
      this.afterAppend(this.writer.appendBytes(t, direction, data.subarray(at, at + max), channel));
    }
  }

  recordAnnotation(value: unknown): void {
    if (this.closing || this.failed) return;
    this.afterAppend(this.writer.appendAnnotation(this.now(), value));
  }

  recordResize(cols: number, rows: number): void {
    if (this.closing || this.failed) return;
    this.afterAppend(this.writer.appendResize(this.now(), cols, rows));
  }

  close(opts: { reason: string; interrupted?: boolean }): Promise<SealSummary> {
    this.closing ??= this.seal(opts.reason, opts.interrupted ?? false);
    return this.closing;
  }

  private async seal(reason: string, interrupted: boolean): Promise<SealSummary> {
    this.clearTimer();
    try {
      this.flush();
      await this.commits;
      if (this.failed) throw this.failed;
      const { privateKey, publicKey } = this.opts.signingKey;
      const sign = (msg: Uint8Array) => nodeSignEd25519(msg, privateKey);
      const { bytes, summary } = this.writer.seal({
        endedAtUs: this.header.startedAtUs + this.now(),
        interrupted,
        reason,
        publicKey,
        sign,
      });
      this.enqueue(bytes, undefined);
      await this.drained();
      await new Promise<void>((resolve, reject) => fsync(this.fd, (err) => (err ? reject(err) : resolve())));
      this.opts.logger.debug('recording sealed', {
        path: this.path,
        frames: summary.frames,
        bytes: summary.fileLength,
      });
      return summary;
    } catch (err) {
      this.fail(err as Error);
      throw this.failed;
    } finally {
      await this.closeFd();
    }
  }

  now(): number {
    return Math.max(this.opts.clock() - this.startUs, 0);
  }

  private afterAppend(full: boolean): void {
    if (full) this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.flushIntervalMs);
      this.timer.unref();
    }
  }

  private flush(): void {
    this.clearTimer();
    if (this.failed) return;
    if (this.opts.chunkCompressor) {
      this.flushElsewhere(this.opts.chunkCompressor);
      return;
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = this.writer.flushChunk();
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    if (bytes) this.enqueue(bytes, this.writer.lastChunk);
  }

  /** Hands the pending frames to the compression worker; the chunk is chained and written when it comes back. */
  private flushElsewhere(compressor: ChunkCompressor): void {
    const taken = this.writer.takeChunk();
    if (!taken) return;
    const size = taken.raw.length; // the buffer is transferred to the worker
    this.compressingBytes += size;
    const compressed = compressor.compress(taken.raw);
    this.commits = this.commits.then(async () => {
      let payload: Uint8Array;
      try {
        payload = await compressed;
      } catch (err) {
        this.fail(err as Error);
        return;
      } finally {
        this.compressingBytes -= size;
      }
      if (this.failed) return;
      try {
        this.enqueue(this.writer.commitChunk(taken, payload), this.writer.lastChunk);
      } catch (err) {
        this.fail(err as Error);
      }
    });
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private enqueue(bytes: Uint8Array, entry: ChunkIndexEntry | undefined): void {
    this.queue.push({ bytes, written: 0, entry });
    this.queuedBytes += bytes.length;
    if (!this.writing) this.pump();
  }

  /** Writes the queue head at its file position; one write in flight keeps records in order. */
  private pump(): void {
    const item = this.queue[0];
    if (this.failed) return;
    if (!item) {
      for (const w of this.drainWaiters.splice(0)) w.resolve();
      return;
    }
    this.writing = true;
    const { bytes, written } = item;
    write(this.fd, bytes, written, bytes.length - written, this.position, (err, n) => {
      this.writing = false;
      if (err) this.fail(err);
      if (this.failed) {
        this.finishClose();
        return;
      }
      this.position += n;
      this.queuedBytes -= n;
      item.written += n;
      if (item.written === bytes.length) {
        this.queue.shift();
        if (item.entry) this.notifyChunk(item.entry);
      }
      this.pump();
    });
  }

  private notifyChunk(entry: ChunkIndexEntry): void {
    try {
      this.opts.onChunk?.(entry);
    } catch (err) {
      // The index is rebuilt from the file when missing; a failing listener must not stop recording.
      this.opts.logger.error('onChunk listener failed', { path: this.path, err });
    }
  }

  private drained(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    this.clearTimer();
    this.opts.logger.error('recording failed', { path: this.path, err });
    for (const w of this.drainWaiters.splice(0)) w.reject(err);
    this.opts.onError?.(err);
    void this.closeFd();
  }

  /** Closes the file once no write is in flight (closing under a pending write could hit a reused fd). */
  private closeFd(): Promise<void> {
    this.closeWanted = true;
    this.finishClose();
    return this.fdClosed;
  }

  private finishClose(): void {
    if (!this.closeWanted || this.writing || this.fdClosing) return;
    this.fdClosing = true;
    fsClose(this.fd, () => this.resolveFdClosed());
  }
}
