import { bytesEqual, fromHex, toHex } from './bytes';
import { chunkHash, parseChunkFixed } from './chunk-record';
import { RecordingFormatError } from './errors';
import { CHUNK } from './format';
import { type DecodedChunk, decodeFrames } from './frame-decoder';
import { nobleSha256, type Sha256 } from './hash';
import { readHeader, scanRecord, scanRecords } from './record-scanner';
import type { ByteSource, ChunkIndexEntry, Decompressor, Frame, RecordingHeader, SealInfo } from './recording.types';
import { defaultDecompressor } from './zstd';

export interface OpenRecordingOptions {
  /** The chunk index kept by the session store: skips the scan of chunk headers. */
  index?: readonly ChunkIndexEntry[];
  decompressor?: Decompressor;
  sha256?: Sha256;
}

export interface Recording {
  header: RecordingHeader;
  version: { major: number; minor: number };
  headerHash: string;
  chunks: readonly ChunkIndexEntry[];
  frameCount: number;
  /** Time of the last frame, µs since the session start. */
  durationUs: number;
  seal: SealInfo | undefined;
  /** True when the file is not sealed, or its seal says the session was interrupted. */
  interrupted: boolean;
  /** Why reading stopped before the end of the file (torn or corrupt record), if it did. */
  tail: { offset: number; torn: boolean; detail: string } | undefined;
  /** Index of the chunk holding frame `n` (no I/O), or -1. */
  chunkForFrame(n: number): number;
  /** Decodes chunk `i` with one read, after checking its hash against the index. */
  readChunk(i: number): Promise<Frame[]>;
  readFrames(fromFrame: number, limit: number): Promise<Frame[]>;
  frameAt(n: number): Promise<Frame | undefined>;
  /** Number of the first frame at or after `tUs` (frameCount if none); reads at most one chunk. */
  seekTime(tUs: number): Promise<number>;
}

/** Opens a recording: reads the header, then the chunk index (scanned from record headers, or given). */
export async function openRecording(source: ByteSource, opts: OpenRecordingOptions = {}): Promise<Recording> {
  const head = await readHeader(source);
  if ('error' in head) throw new RecordingFormatError(`header corrupt: ${head.error}`, 0);
  const chunks: ChunkIndexEntry[] = [];
  let seal: SealInfo | undefined;
  let tail: Recording['tail'];
  if (opts.index) {
    chunks.push(...opts.index);
    const last = chunks.at(-1);
    const step = await scanRecord(source, last ? last.offset + last.length : head.length);
    if (step.kind === 'seal') seal = step.seal;
    else if (step.kind === 'torn' || step.kind === 'corrupt') tail = { ...step, torn: step.kind === 'torn' };
  } else {
    for await (const step of scanRecords(source, head.length)) {
      if (step.kind === 'chunk') chunks.push(step.entry);
      else if (step.kind === 'seal') seal = step.seal;
      else if (step.kind !== 'end') tail = { offset: step.offset, torn: step.kind === 'torn', detail: step.detail };
    }
  }
  const reader = new ChunkReader(source, chunks, head.hash, opts.decompressor ?? defaultDecompressor, opts.sha256);
  const last = chunks.at(-1);
  return {
    header: head.header,
    version: head.version,
    headerHash: head.hashHex,
    chunks,
    frameCount: last ? last.firstFrame + last.frameCount : 0,
    durationUs: last?.lastTUs ?? 0,
    seal,
    interrupted: !seal || seal.interrupted,
    tail,
    chunkForFrame: (n) => reader.chunkForFrame(n),
    readChunk: async (i) => (await reader.decode(i)).frames,
    readFrames: (from, limit) => reader.readFrames(from, limit),
    frameAt: (n) => reader.frameAt(n),
    seekTime: (t) => reader.seekTime(t),
  };
}

class ChunkReader {
  private cached: { i: number; chunk: DecodedChunk } | undefined;

  constructor(
    private readonly source: ByteSource,
    private readonly chunks: readonly ChunkIndexEntry[],
    private readonly headerHash: Uint8Array,
    private readonly decompressor: Decompressor,
    private readonly sha256: Sha256 = nobleSha256,
  ) {}

  chunkForFrame(n: number): number {
    return this.search((c) => c.firstFrame + c.frameCount > n, n >= 0);
  }

  async decode(i: number): Promise<DecodedChunk> {
    if (this.cached?.i === i) return this.cached.chunk;
    const entry = this.chunks[i];
    if (!entry) throw new RangeError(`no chunk ${i} (recording has ${this.chunks.length})`);
    const where = `chunk ${i} at offset ${entry.offset}`;
    const bytes = await this.source.read(entry.offset, entry.length);
    const fixed = parseChunkFixed(bytes);
    if (typeof fixed === 'string') throw new RecordingFormatError(`${where}: ${fixed}`, entry.offset);
    const prev = i === 0 ? this.headerHash : fromHex(this.chunks[i - 1]?.hash ?? '');
    const hash = chunkHash(prev, bytes, this.sha256);
    if (toHex(hash) !== entry.hash || !bytesEqual(hash, fixed.hash)) {
      throw new RecordingFormatError(`${where}: hash mismatch`, entry.offset);
    }
    let chunk: DecodedChunk;
    try {
      const raw = this.decompressor.decompress(bytes.subarray(CHUNK.fixedSize), fixed.rawLength);
      chunk = decodeFrames(raw, fixed.firstFrame, fixed.firstTUs);
    } catch (err) {
      throw new RecordingFormatError(`${where}: ${(err as Error).message}`, entry.offset);
    }
    if (chunk.frames.length !== fixed.frameCount) {
      throw new RecordingFormatError(`${where}: ${chunk.frames.length} frames, header says ${fixed.frameCount}`);
    }
    this.cached = { i, chunk };
    return chunk;
  }

  async readFrames(fromFrame: number, limit: number): Promise<Frame[]> {
    const out: Frame[] = [];
    let i = this.chunkForFrame(fromFrame);
    while (i >= 0 && i < this.chunks.length && out.length < limit) {
      for (const f of (await this.decode(i)).frames) {
        if (f.n >= fromFrame && out.length < limit) out.push(f);
      }
      i++;
    }
    return out;
  }

  async frameAt(n: number): Promise<Frame | undefined> {
    const i = this.chunkForFrame(n);
    if (i < 0) return undefined;
    const chunk = await this.decode(i);
    return chunk.frames[n - (this.chunks[i]?.firstFrame ?? 0)];
  }

  async seekTime(tUs: number): Promise<number> {
    const i = this.search((c) => c.lastTUs >= tUs, true);
    const entry = this.chunks[i];
    if (!entry) return this.frameCountTotal();
    if (tUs <= entry.firstTUs) return entry.firstFrame;
    const frame = (await this.decode(i)).frames.find((f) => f.tUs >= tUs);
    return frame?.n ?? entry.firstFrame + entry.frameCount;
  }

  private frameCountTotal(): number {
    const last = this.chunks.at(-1);
    return last ? last.firstFrame + last.frameCount : 0;
  }

  /** First chunk index where `pred` holds (pred is monotonic over the index), or -1. */
  private search(pred: (c: ChunkIndexEntry) => boolean, valid: boolean): number {
    if (!valid) return -1;
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(this.chunks[mid] as ChunkIndexEntry)) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.chunks.length ? lo : -1;
  }
}
