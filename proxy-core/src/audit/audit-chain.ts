// Moved to @vigil/recordings (src/audit) so evidence packets are verified by the same code in the browser.
export {
  type AuditChainVerification,
  computeAuditHash,
  GENESIS_HASH,
  type Sha256Hex,
  type UnhashedAuditEvent,
  type VerifyAuditChainOptions,
  verifyAuditChain,
} from '@vigil/recordings';
