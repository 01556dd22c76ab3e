import type { JsonValue } from './canonical-json';

/** Event types the gateway writes today; any dotted name is accepted so new subsystems need no schema change. */
export type AuditEventType =
  | 'auth.success'
  | 'auth.failure'
  | 'session.start'
  | 'session.end'
  | 'statement'
  | 'approval.requested'
  | 'approval.decided'
  | (string & {});

/**
 * One entry of the append-only audit log. `hash = SHA-256(prevHash ‖ canonicalJson(event without hash))`;
 * the first event's prevHash is GENESIS_HASH. `sessionId` and `connection` are absent (not null) when unset,
 * both here and in the hashed form.
 */
export interface AuditEvent {
  seq: number;
  id: string;
  /** ISO 8601, UTC, as written by the appending process's clock. */
  time: string;
  type: AuditEventType;
  /** A principal (`sub`) or 'system'. */
  actor: string;
  sessionId?: string;
  connection?: string;
  data: JsonValue;
  prevHash: string;
  hash: string;
}

export interface AuditEventInput {
  type: AuditEventType;
  actor: string;
  sessionId?: string;
  connection?: string;
  /** Must be plain JSON (objects, arrays, strings, finite numbers, booleans, null); default `{}`. */
  data?: unknown;
  /** Default: the store's clock. */
  time?: string;
}

export interface AuditFilter {
  /** Events with time >= since (ISO). */
  since?: string;
  /** Events with seq > afterSeq: page through the log with the last seq seen. */
  afterSeq?: number;
  /** Events with seq <= untilSeq. */
  untilSeq?: number;
  type?: AuditEventType;
  sessionId?: string;
  /** Default 100, at most 10 000. Results are in seq order. */
  limit?: number;
}

/** The last event of the chain; `{ seq: 0, hash: GENESIS_HASH }` when the log is empty. */
export interface AuditHead {
  seq: number;
  hash: string;
}
