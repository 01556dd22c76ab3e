export {
  type AuditChainVerification,
  computeAuditHash,
  GENESIS_HASH,
  type Sha256Hex,
  type UnhashedAuditEvent,
  type VerifyAuditChainOptions,
  verifyAuditChain,
} from './audit-chain';
export type { ChainedAuditEvent } from './audit-event.types';
export { canonicalJson, type JsonValue, toJsonValue } from './canonical-json';
