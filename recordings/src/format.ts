/**
 * Layout constants of the `.vrec` format, version 1.0.
 * @see ../FORMAT.md — every offset below is documented there; change both together.
 */

/** "VREC" in ASCII: the first four bytes of every recording. @see FORMAT.md §2 */
export const MAGIC = new Uint8Array([0x56, 0x52, 0x45, 0x43]);

/** Readers reject other major versions; minor versions only add meaning, never layout. @see FORMAT.md §7 */
export const FORMAT_VERSION = { major: 1, minor: 0 } as const;

export const RecordType = {
  /** 'C' */
  chunk: 0x43,
  /** 'S' */
  seal: 0x53,
} as const;

/** Chunk payload codecs (byte 1 of a chunk record). */
export const Codec = {
  zstd: 1,
} as const;

/** Header record: magic(4) major(1) minor(1) reserved(2) jsonLength(4) json(N) hash(32). @see FORMAT.md §2 */
export const HEADER = {
  fixedSize: 12,
  jsonLengthOffset: 8,
  maxJsonLength: 1 << 20,
} as const;

/** Chunk record fixed part (80 bytes), then the compressed payload. @see FORMAT.md §3 */
export const CHUNK = {
  fixedSize: 80,
  codec: 1,
  seq: 4,
  firstFrame: 8,
  frameCount: 16,
  rawLength: 20,
  firstTUs: 24,
  lastTUs: 32,
  compressedLength: 40,
  /** Bytes [0, hash) of the fixed part are hashed together with the payload. */
  hash: 44,
  crc: 76,
  /** Readers refuse chunks claiming more raw bytes than this (bounds memory on hostile input). */
  maxRawLength: 64 << 20,
  maxCompressedLength: 64 << 20,
} as const;

/** Seal record: fixed part (144 bytes), reason (R bytes), Ed25519 signature (64). @see FORMAT.md §5 */
export const SEAL = {
  fixedSize: 144,
  flags: 1,
  reasonLength: 2,
  chunkCount: 4,
  frameCount: 8,
  bytesClient: 16,
  bytesServer: 24,
  endedAtUs: 32,
  lastTUs: 40,
  headerHash: 48,
  finalHash: 80,
  publicKey: 112,
  signatureSize: 64,
  flagInterrupted: 0x01,
} as const;

/** Prefix of the message the seal signature covers (domain separation). @see FORMAT.md §5 */
export const SEAL_SIGNATURE_CONTEXT = new TextEncoder().encode('vigil.vrec.seal.v1\0');

/** Frame tag byte: bits 0–2 kind, bit 3 "channel byte follows". @see FORMAT.md §4 */
export const FrameTag = {
  bytesClient: 0,
  bytesServer: 1,
  resize: 2,
  annotation: 3,
  kindMask: 0x07,
  hasChannel: 0x08,
} as const;

export const HASH_SIZE = 32;
