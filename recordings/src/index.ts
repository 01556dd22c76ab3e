/** The `.vrec` recording format: writer, reader, verification and recovery. Runs in Node and browsers. */
export * from './audit';
export { byteSourceFromBytes, countingByteSource } from './byte-source';
export { fromBase64, fromHex, toBase64, toHex } from './bytes';
export { RecordingFormatError } from './errors';
export * from './evidence';
export { findValidPrefix, type ValidPrefix } from './find-valid-prefix';
export { FORMAT_VERSION } from './format';
export { nobleSha256, type Sha256, sha256Hex } from './hash';
export { JsonText } from './json-text';
export type {
  AnnotationFrame,
  ByteSource,
  BytesFrame,
  ChunkIndexEntry,
  Compressor,
  Decompressor,
  Direction,
  Frame,
  RecordingHeader,
  ResizeFrame,
  SealInfo,
  SealSummary,
  SignFn,
} from './recording.types';
export { type OpenRecordingOptions, openRecording, type Recording } from './recording-reader';
export {
  createRecordingWriter,
  type RecordingWriter,
  type RecordingWriterOptions,
  type SealOptions,
  type TakenChunk,
} from './recording-writer';
export { type SealPrefixOptions, sealPrefix } from './seal-prefix';
export { encodeSealRecord, type SealFields } from './seal-record';
export {
  ed25519Signer,
  fingerprint,
  generateSigningKey,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyFromPem,
  publicKeyFromPrivate,
  publicKeyToPem,
  type SigningKeyPair,
  signEd25519,
  toOpenSshPublicKey,
  verifyEd25519,
} from './signing-key';
export { type VerifyCheck, type VerifyOptions, type VerifyResult, verifyRecording } from './verify-recording';
export { defaultDecompressor, storeCompressor, zstdContentSize } from './zstd';
