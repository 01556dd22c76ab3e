/** Who sent the bytes: 'client' = sent by the client (the agent), 'server' = received by the client. */
export type Direction = 'client' | 'server';

/** Session metadata stored as JSON in the header record. Unknown fields are kept as-is. */
export interface RecordingHeader {
  sessionId: string;
  /** 'postgres', 'ssh', 'http', … */
  protocol: string;
  /** Name of the configured connection the session went to. */
  connection?: string;
  principal?: unknown;
  /** ISO 8601 time of the first byte; `startedAtUs` is the same instant in µs since the epoch. */
  startedAt: string;
  startedAtUs: number;
  /** `fingerprint()` of the gateway key that will sign the seal. */
  gatewayKeyFingerprint?: string;
  [extra: string]: unknown;
}

export interface BytesFrame {
  n: number;
  /** µs since the session start. */
  tUs: number;
  kind: 'bytes';
  direction: Direction;
  /** 0 unless the protocol multiplexes (e.g. ssh stdout = 0, stderr = 1). */
  channel: number;
  /** A view into the decoded chunk: copy it before keeping it past the next read. */
  data: Uint8Array;
}

export interface AnnotationFrame {
  n: number;
  tUs: number;
  kind: 'annotation';
  value: unknown;
}

export interface ResizeFrame {
  n: number;
  tUs: number;
  kind: 'resize';
  cols: number;
  rows: number;
}

export type Frame = BytesFrame | AnnotationFrame | ResizeFrame;

/** Where a chunk is and what it holds; also stored by the session store so seeks need no scan. */
export interface ChunkIndexEntry {
  seq: number;
  firstFrame: number;
  frameCount: number;
  firstTUs: number;
  lastTUs: number;
  /** Byte offset of the chunk record in the file. */
  offset: number;
  /** Length of the whole chunk record (fixed part + payload). */
  length: number;
  rawLength: number;
  /** Chain hash of this chunk, lowercase hex. */
  hash: string;
}

/** What a seal record says, decoded. */
export interface SealInfo {
  offset: number;
  length: number;
  interrupted: boolean;
  reason: string;
  chunkCount: number;
  frameCount: number;
  bytesClient: number;
  bytesServer: number;
  /** µs since the epoch, and the same instant as ISO 8601. */
  endedAtUs: number;
  endedAt: string;
  /** Time of the last frame, µs since the session start. */
  lastTUs: number;
  headerHash: string;
  finalHash: string;
  publicKey: Uint8Array;
  keyFingerprint: string;
  signature: Uint8Array;
}

/** Returned by the writer (and recovery) after sealing. */
export interface SealSummary {
  frames: number;
  chunks: number;
  bytesClient: number;
  bytesServer: number;
  headerHash: string;
  finalHash: string;
  endedAtUs: number;
  endedAt: string;
  lastTUs: number;
  interrupted: boolean;
  reason: string;
  keyFingerprint: string;
  signature: string;
  sealOffset: number;
  /** Total file length including the seal. */
  fileLength: number;
}

/** Random-access bytes: a Uint8Array, a file, an HTTP range reader… `read` returns exactly `length` bytes. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Produces one zstd frame (with Frame_Content_Size) from `raw`; must not keep a reference to `raw`. */
export interface Compressor {
  compress(raw: Uint8Array): Uint8Array;
}

export interface Decompressor {
  decompress(compressed: Uint8Array, rawLength: number): Uint8Array;
}

/** Signs the seal message with the gateway key. */
export type SignFn = (message: Uint8Array) => Uint8Array;
