export { fileHandleByteSource, openFileByteSource } from './file-byte-source';
export { nodeSha256 } from './node-sha256';
export { type RecoveredRecording, type RecoverOptions, sealInterruptedRecording } from './recover';
export {
  createSessionRecorder,
  type RecordingHeaderInit,
  type SessionRecorder,
  type SessionRecorderOptions,
} from './session-recorder';
export { loadOrCreateSigningKey, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, type SigningKey } from './signing-key';
export { createZstdCompressor, createZstdDecompressor } from './zstd-compressor';
