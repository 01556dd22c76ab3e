import { concatBytes, fromHex, toHex } from '../bytes';
import { CHUNK } from '../format';
import { sha256Hex } from '../hash';
import type { ChunkIndexEntry, Compressor, RecordingHeader } from '../recording.types';
import { createRecordingWriter } from '../recording-writer';
import { ed25519Signer, fingerprint } from '../signing-key';
import { defaultDecompressor } from '../zstd';

/** A frame as written in `test-vectors/*.json`: byte payloads are hex. */
export type VectorFrame =
  | { n: number; tUs: number; kind: 'bytes'; direction: 'client' | 'server'; channel: number; dataHex: string }
  | { n: number; tUs: number; kind: 'annotation'; value: unknown }
  | { n: number; tUs: number; kind: 'resize'; cols: number; rows: number };

export interface VectorExpectations {
  fileLength: number;
  fileSha256: string;
  headerHash: string;
  finalHash: string;
  publicKeyHex: string;
  keyFingerprint: string;
  frames: number;
  bytesClient: number;
  bytesServer: number;
  index: ChunkIndexEntry[];
  torn: { fileLength: number; validPrefixLength: number; chunks: number; frames: number };
}

/** The JSON beside a golden `.vrec`: the inputs that produced it, and what readers must find in it. */
export interface GoldenVector {
  description: string;
  format: string;
  privateKeyHex: string;
  header: RecordingHeader;
  seal: { endedAtUs: number; interrupted: boolean; reason: string };
  /** Frames grouped by chunk: the writer flushes after each group. */
  chunks: VectorFrame[][];
  /** The torn variant: the sealed file cut `cutAfterBytes` into chunk `cutInsideChunk`. */
  torn: { cutInsideChunk: number; cutAfterBytes: number };
  expect: VectorExpectations;
}

/** Encodes the vector's frames; with the compressor that made the committed file, the bytes are identical. */
export function encodeGoldenVector(
  v: GoldenVector,
  compressor: Compressor,
): { bytes: Uint8Array; torn: Uint8Array; expect: Omit<VectorExpectations, 'torn'> & { tornCut: number } } {
  const signer = ed25519Signer(fromHex(v.privateKeyHex));
  const header = { ...v.header, gatewayKeyFingerprint: fingerprint(signer.publicKey) };
  const w = createRecordingWriter({ header, compressor });
  const parts = [w.headerBytes()];
  const index: ChunkIndexEntry[] = [];
  for (const chunk of v.chunks) {
    for (const f of chunk) {
      if (f.kind === 'bytes') w.appendBytes(f.tUs, f.direction, fromHex(f.dataHex), f.channel);
      else if (f.kind === 'annotation') w.appendAnnotation(f.tUs, f.value);
      else w.appendResize(f.tUs, f.cols, f.rows);
    }
    parts.push(w.flushChunk() as Uint8Array);
    index.push(w.lastChunk as ChunkIndexEntry);
  }
  const { bytes: seal } = w.seal({ ...v.seal, ...signer });
  const bytes = concatBytes(...parts, seal);
  const cut = (index[v.torn.cutInsideChunk]?.offset ?? 0) + v.torn.cutAfterBytes;
  return {
    bytes,
    torn: bytes.slice(0, cut),
    expect: {
      fileLength: bytes.length,
      fileSha256: sha256Hex(bytes),
      headerHash: w.headerHash,
      finalHash: w.chainHash,
      publicKeyHex: toHex(signer.publicKey),
      keyFingerprint: fingerprint(signer.publicKey),
      frames: w.frames,
      bytesClient: w.bytesClient,
      bytesServer: w.bytesServer,
      index,
      tornCut: cut,
    },
  };
}

/** Hands out the payloads of an existing file in order, checking each decodes to what is being compressed. */
export function replayCompressor(file: Uint8Array, index: readonly ChunkIndexEntry[]): Compressor {
  let i = 0;
  return {
    compress(raw) {
      const entry = index[i++];
      if (!entry) throw new Error('more chunks than the vector has');
      const payload = file.subarray(entry.offset + CHUNK.fixedSize, entry.offset + entry.length);
      const decoded = defaultDecompressor.decompress(payload, entry.rawLength);
      if (toHex(decoded) !== toHex(raw)) throw new Error(`chunk ${entry.seq}: raw bytes differ from the vector`);
      return payload;
    },
  };
}
