export {
  type BuildEvidencePacketOptions,
  buildEvidencePacket,
  type EvidenceCreator,
  EvidenceError,
  type EvidenceErrorCode,
  type EvidencePacketResult,
  MAX_PACKET_SESSIONS,
} from './build-evidence-packet';
export { type EvidenceRouteDeps, evidenceRoutes } from './evidence-routes';
export { nodeCrc32, nodeDeflate, nodeHash, nodeInflate } from './node-codecs';
export type { PacketOut } from './packet-output';
export { pgDescriber } from './pg-describe';
export { vigilVersion } from './tool-version';
export { verifyPacketFile } from './verify-packet-file';
