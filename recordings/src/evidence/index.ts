export { annotationText } from './annotation-text';
export { type CastHeader, castFromRecording } from './asciicast';
export { AuditRangeCheck } from './audit-range';
export { type CaptureOptions, captureFromRecording } from './capture-from-recording';
export { checkManifestShape } from './manifest-shape';
export {
  type CustodyEntry,
  type EvidenceManifest,
  PACKET_FILES,
  PACKET_FORMAT,
  type PacketAuditRange,
  type PacketFile,
  type PacketFileKind,
  type PacketSeal,
  type PacketSession,
  SESSION_FILES,
  sessionFilePath,
} from './packet.types';
export { enhancedPacketBlock, interfaceDescriptionBlock, PCAPNG, sectionHeaderBlock } from './pcapng-blocks';
export { PURGED_FORMAT, type PurgedRecording, purgedSkeleton, verifyPurgedRecording } from './purged-recording';
export { MAX_TCP_PAYLOAD, type Side, TcpConversation, type TcpEndpoint } from './tcp-synth';
export { type FrameDescriber, type TranscriptOptions, textDescriber, transcriptFromRecording } from './transcript';
export { type PacketVerification, type VerifyPacketOptions, verifyEvidencePacket } from './verify-packet';
export {
  type Crc32Update,
  crc32Update,
  type DeflateTransform,
  type HashFactory,
  type IncrementalHash,
  type InflateTransform,
  platformDeflate,
  platformInflate,
  type ZipMethod,
} from './zip-format';
export { openZip, type ZipArchive, type ZipEntry, ZipFormatError } from './zip-reader';
export { type ZipEntryInput, type ZipEntryWritten, type ZipSink, ZipWriter, type ZipWriterOptions } from './zip-writer';
