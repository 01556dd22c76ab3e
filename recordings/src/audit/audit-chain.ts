// Pure: no Node, DOM or SQLite imports. Callers pass the SHA-256 function (node:crypto in the gateway and
// CLI, @noble/hashes in the browser), so one verifier serves the CLI, evidence packets and the IDE.
import type { ChainedAuditEvent as AuditEvent } from './audit-event.types';
import { canonicalJson } from './canonical-json';

/** SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits. */
export type Sha256Hex = (text: string) => string;

/** prevHash of the first event of a log. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields that are hashed: every field of the event except `hash`. */
export type UnhashedAuditEvent = Omit<AuditEvent, 'hash'>;

/** `SHA-256(prevHash ‖ canonicalJson(event without hash))`, both sides as UTF-8 text. */
export function computeAuditHash(event: UnhashedAuditEvent, sha256Hex: Sha256Hex): string {
  const { seq, id, time, type, actor, sessionId, connection, data, prevHash } = event;
  // Rebuilt field by field so that extra properties a caller left on the object are never hashed.
  const hashed = { seq, id, time, type, actor, sessionId, connection, data, prevHash };
  return sha256Hex(prevHash + canonicalJson(hashed));
}

export interface AuditChainVerification {
  ok: boolean;
  /** Events that passed every check, counted from the first. */
  checked: number;
  firstBadSeq?: number;
  problem?: string;
  /** The last good event: what the next range must link to. */
  head?: { seq: number; hash: string };
}

export interface VerifyAuditChainOptions {
  sha256Hex: Sha256Hex;
  /**
   * prevHash the first event must carry. Default: GENESIS_HASH when the first event has seq 1; for a range
   * that starts later and has no expectation, the first event's own prevHash is taken as given.
   */
  expectedPrevHash?: string;
}

/** Checks events in seq order: consecutive seqs, each prevHash links to the previous hash, each hash recomputes. */
export function verifyAuditChain(
  events: Iterable<AuditEvent>,
  options: VerifyAuditChainOptions,
): AuditChainVerification {
  let previous: { seq: number; hash: string } | undefined;
  let checked = 0;
  for (const event of events) {
    const problem = findProblem(event, previous, options);
    if (problem !== undefined) return bad(checked, previous, event.seq, problem);
    previous = { seq: event.seq, hash: event.hash };
    checked++;
  }
  return previous === undefined ? { ok: true, checked } : { ok: true, checked, head: previous };
}

function findProblem(
  event: AuditEvent,
  previous: { seq: number; hash: string } | undefined,
  options: VerifyAuditChainOptions,
): string | undefined {
  if (!Number.isSafeInteger(event.seq) || event.seq < 1) return `seq ${String(event.seq)} is not a positive integer`;
  if (previous !== undefined && event.seq !== previous.seq + 1) {
    return `seq ${event.seq} follows seq ${previous.seq}: events are missing or out of order`;
  }
  const expectedPrev = previous?.hash ?? options.expectedPrevHash ?? (event.seq === 1 ? GENESIS_HASH : event.prevHash);
  if (event.prevHash !== expectedPrev) return `prevHash ${event.prevHash} does not link to ${expectedPrev}`;
  let hash: string;
  try {
    hash = computeAuditHash(event, options.sha256Hex);
  } catch (err) {
    return `cannot canonicalize event: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (hash !== event.hash) return `hash mismatch: stored ${event.hash}, computed ${hash} (event was altered)`;
  return undefined;
}

function bad(
  checked: number,
  head: { seq: number; hash: string } | undefined,
  firstBadSeq: number,
  problem: string,
): AuditChainVerification {
  return head === undefined
    ? { ok: false, checked, firstBadSeq, problem }
    : { ok: false, checked, firstBadSeq, problem, head };
}
