import { toHex } from './bytes';
import { encodeChunkRecord } from './chunk-record';
import { FrameEncoder } from './frame-encoder';
import { nobleSha256, type Sha256 } from './hash';
import { encodeHeaderRecord } from './header-record';
import type { ChunkIndexEntry, Compressor, Direction, RecordingHeader, SealSummary, SignFn } from './recording.types';
import { encodeSealRecord, isoFromUs, type SealFields } from './seal-record';
import { fingerprint } from './signing-key';

export interface RecordingWriterOptions {
  header: RecordingHeader;
  compressor: Compressor;
  /** Raw bytes after which appends return true ("flush now"). Default 64 KiB, at most 16 MiB. */
  maxChunkRaw?: number;
  /** Chunk hashing; defaults to noble (pure JS). Node passes its native SHA-256. */
  sha256?: Sha256;
}

export interface SealOptions {
  /** µs since the epoch. */
  endedAtUs: number;
  interrupted: boolean;
  reason: string;
  /** The Ed25519 public key embedded in the seal (the verifier checks the signature against it). */
  publicKey: Uint8Array;
  sign: SignFn;
}

/**
 * Encodes a recording, record by record, with no I/O and no clock: the caller writes `headerBytes()`,
 * then every `flushChunk()` result, then the `seal()` record, in that order.
 */
export interface RecordingWriter {
  headerBytes(): Uint8Array;
  /** Each append returns true once `pendingRaw >= maxChunkRaw`: time to call `flushChunk()`. */
  appendBytes(tUs: number, direction: Direction, payload: Uint8Array, channel?: number): boolean;
  appendAnnotation(tUs: number, value: unknown): boolean;
  appendResize(tUs: number, cols: number, rows: number): boolean;
  readonly pendingRaw: number;
  readonly pendingFrames: number;
  /** The next chunk record, or undefined when nothing is pending. Its entry is then `lastChunk`. */
  flushChunk(): Uint8Array | undefined;
  /**
   * `flushChunk` in two steps, so the compression can run elsewhere (a worker thread): `takeChunk` hands out the
   * pending frames (raw, owned by the caller) and starts the next chunk; `commitChunk`, called in the order the
   * chunks were taken, chains and encodes one once its payload is compressed.
   */
  takeChunk(): TakenChunk | undefined;
  commitChunk(taken: TakenChunk, compressed: Uint8Array): Uint8Array;
  readonly lastChunk: ChunkIndexEntry | undefined;
  readonly headerHash: string;
  /** Chain hash after the last flushed chunk (the header hash before any). */
  readonly chainHash: string;
  /** Counts over flushed and pending frames. */
  readonly frames: number;
  readonly chunks: number;
  readonly bytesClient: number;
  readonly bytesServer: number;
  /** Bytes emitted so far: header plus flushed chunks. */
  readonly offset: number;
  /** Ends the recording. Call `flushChunk()` first: sealing with pending frames throws. */
  seal(opts: SealOptions): { bytes: Uint8Array; summary: SealSummary };
}

/** A chunk's frames taken from the writer, waiting for their compressed payload. */
export interface TakenChunk {
  readonly meta: Omit<ChunkIndexEntry, 'offset' | 'length' | 'hash'>;
  /** The raw frames: the caller's to compress (and to transfer, it is a copy). */
  readonly raw: Uint8Array;
}

const DEFAULT_MAX_CHUNK_RAW = 64 * 1024;
const MAX_MAX_CHUNK_RAW = 16 << 20;

export function createRecordingWriter(opts: RecordingWriterOptions): RecordingWriter {
  return new Writer(opts);
}

class Writer implements RecordingWriter {
  private readonly header: Uint8Array;
  private readonly compressor: Compressor;
  private readonly sha256: Sha256;
  private readonly maxChunkRaw: number;
  private readonly enc: FrameEncoder;
  private readonly headerHashBytes: Uint8Array;
  private prevHash: Uint8Array;
  private flushedFrames = 0;
  /** Chunks taken so far; `chunks` counts those committed. */
  private taken = 0;
  private sealed = false;
  lastChunk: ChunkIndexEntry | undefined;
  chunks = 0;
  bytesClient = 0;
  bytesServer = 0;
  offset: number;

  constructor(opts: RecordingWriterOptions) {
    this.maxChunkRaw = opts.maxChunkRaw ?? DEFAULT_MAX_CHUNK_RAW;
    if (!(this.maxChunkRaw > 0 && this.maxChunkRaw <= MAX_MAX_CHUNK_RAW)) {
      throw new RangeError(`maxChunkRaw must be in 1..${MAX_MAX_CHUNK_RAW}`);
    }
    this.compressor = opts.compressor;
    this.sha256 = opts.sha256 ?? nobleSha256;
    this.header = encodeHeaderRecord(opts.header);
    this.headerHashBytes = this.header.slice(this.header.length - 32);
    this.prevHash = this.headerHashBytes;
    this.offset = this.header.length;
    // Start small and grow to a chunk's size: an idle session should cost kilobytes, not a whole chunk buffer.
    this.enc = new FrameEncoder(Math.min(4096, this.maxChunkRaw + 1024));
  }

  headerBytes(): Uint8Array {
    return this.header;
  }

  appendBytes(tUs: number, direction: Direction, payload: Uint8Array, channel = 0): boolean {
    this.checkOpen();
    this.enc.bytes(tUs, direction, payload, channel);
    if (direction === 'client') this.bytesClient += payload.length;
    else this.bytesServer += payload.length;
    return this.enc.length >= this.maxChunkRaw;
  }

  appendAnnotation(tUs: number, value: unknown): boolean {
    this.checkOpen();
    this.enc.annotation(tUs, value);
    return this.enc.length >= this.maxChunkRaw;
  }

  appendResize(tUs: number, cols: number, rows: number): boolean {
    this.checkOpen();
    this.enc.resize(tUs, cols, rows);
    return this.enc.length >= this.maxChunkRaw;
  }

  get pendingRaw(): number {
    return this.enc.length;
  }

  get pendingFrames(): number {
    return this.enc.frames;
  }

  get frames(): number {
    return this.flushedFrames + this.enc.frames;
  }

  get headerHash(): string {
    return toHex(this.headerHashBytes);
  }

  get chainHash(): string {
    return toHex(this.prevHash);
  }

  flushChunk(): Uint8Array | undefined {
    const taken = this.take(false);
    return taken && this.commitChunk(taken, this.compressor.compress(taken.raw));
  }

  takeChunk(): TakenChunk | undefined {
    return this.take(true);
  }

  /** `copy`: the raw frames as a buffer of their own (the encoder's is reused for the next chunk). */
  private take(copy: boolean): TakenChunk | undefined {
    const enc = this.enc;
    if (enc.frames === 0) return undefined;
    const meta = {
      seq: this.taken,
      firstFrame: this.flushedFrames,
      frameCount: enc.frames,
      rawLength: enc.length,
      firstTUs: enc.firstTUs,
      lastTUs: enc.lastTUs,
    };
    const raw = copy ? enc.buf.slice(0, enc.length) : enc.buf.subarray(0, enc.length);
    this.taken++;
    this.flushedFrames += enc.frames;
    enc.reset();
    return { meta, raw };
  }

  commitChunk(taken: TakenChunk, compressed: Uint8Array): Uint8Array {
    const { meta } = taken;
    if (meta.seq !== this.chunks) throw new Error(`chunk ${meta.seq} committed out of order (next is ${this.chunks})`);
    const { bytes, hash } = encodeChunkRecord(meta, compressed, this.prevHash, this.sha256);
    this.lastChunk = { ...meta, offset: this.offset, length: bytes.length, hash: toHex(hash) };
    this.prevHash = hash;
    this.offset += bytes.length;
    this.chunks++;
    return bytes;
  }

  seal(opts: SealOptions): { bytes: Uint8Array; summary: SealSummary } {
    this.checkOpen();
    if (this.enc.frames > 0) throw new Error('flushChunk() before seal(): frames are pending');
    if (this.taken !== this.chunks) throw new Error('commitChunk() every taken chunk before seal()');
    this.sealed = true;
    const fields = {
      interrupted: opts.interrupted,
      reason: opts.reason,
      chunkCount: this.chunks,
      frameCount: this.flushedFrames,
      bytesClient: this.bytesClient,
      bytesServer: this.bytesServer,
      endedAtUs: Math.trunc(opts.endedAtUs),
      lastTUs: this.lastChunk?.lastTUs ?? 0,
      headerHash: this.headerHashBytes,
      finalHash: this.prevHash,
      publicKey: opts.publicKey,
    };
    const bytes = encodeSealRecord(fields, opts.sign);
    return { bytes, summary: sealSummary(fields, bytes, this.offset) };
  }

  private checkOpen(): void {
    if (this.sealed) throw new Error('recording already sealed');
  }
}

/** The summary of a seal record built from `fields` and written at `sealOffset`. */
export function sealSummary(fields: SealFields, bytes: Uint8Array, sealOffset: number): SealSummary {
  return {
    frames: fields.frameCount,
    chunks: fields.chunkCount,
    bytesClient: fields.bytesClient,
    bytesServer: fields.bytesServer,
    headerHash: toHex(fields.headerHash),
    finalHash: toHex(fields.finalHash),
    endedAtUs: fields.endedAtUs,
    endedAt: isoFromUs(fields.endedAtUs),
    lastTUs: fields.lastTUs,
    interrupted: fields.interrupted,
    reason: fields.reason,
    keyFingerprint: fingerprint(fields.publicKey),
    signature: toHex(bytes.subarray(bytes.length - 64)),
    sealOffset,
    fileLength: sealOffset + bytes.length,
  };
}
