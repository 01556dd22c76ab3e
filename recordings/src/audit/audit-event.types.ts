import type { JsonValue } from './canonical-json';

/**
 * One entry of the gateway's append-only audit log, as it is hash-chained:
 * `hash = SHA-256(prevHash ‖ canonicalJson(event without hash))`. `sessionId` and `connection` are absent
 * (not null) when unset, both here and in the hashed form. The gateway's store type is the same shape.
 */
export interface ChainedAuditEvent {
  seq: number;
  id: string;
  /** ISO 8601, UTC. */
  time: string;
  /** Dotted name: `auth.failure`, `session.start`, `statement`, `approval.decided`, … */
  type: string;
  /** A principal (`sub`) or 'system'. */
  actor: string;
  sessionId?: string;
  connection?: string;
  data: JsonValue;
  prevHash: string;
  hash: string;
}
