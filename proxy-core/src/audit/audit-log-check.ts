import { GENESIS_HASH, verifyAuditChain } from '@vigil/recordings';
import type { Store } from '../store/store.types';
import type { AuditEvent } from './audit.types';
import { type AuditCheckpointData, CHECKPOINT_EVENT, checkpointProblem } from './audit-checkpoint';
import { sha256Hex } from './node-sha256';

export interface AuditLogCheck {
  ok: boolean;
  /** Events that passed, from seq 1. */
  checked: number;
  /** Signed checkpoints found and verified. */
  checkpoints: number;
  head: { seq: number; hash: string };
  firstBadSeq?: number;
  problem?: string;
}

const PAGE = 10_000;

/**
 * Verifies the whole audit log from genesis, page by page: consecutive seqs, links, every hash, and every
 * `audit.checkpoint`'s signature (against `trustedKey` when given) and that the head it signed is the event
 * the chain has at that seq. Stops at the first problem and says which seq and why.
 */
export function checkAuditLog(
  store: Pick<Store, 'listAudit' | 'auditHead'>,
  opts: { trustedKey?: Uint8Array } = {},
): AuditLogCheck {
  let prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  let checkpoints = 0;
  const recent = new Map<number, string>();
  for (;;) {
    const page = store.listAudit({ afterSeq: prev.seq, limit: PAGE });
    if (page.length === 0) break;
    const v = verifyAuditChain(page, { sha256Hex, expectedPrevHash: prev.hash });
    if (!v.ok)
      return bad(
        checked + v.checked,
        checkpoints,
        v.head ?? prev,
        v.firstBadSeq ?? prev.seq + 1,
        v.problem ?? 'chain broken',
      );
    for (const [i, event] of page.entries()) {
      recent.set(event.seq, event.hash);
      if (event.type !== CHECKPOINT_EVENT) continue;
      const problem = checkpointProblem(event, opts.trustedKey) ?? signedHeadProblem(store, event, recent);
      if (problem) return bad(checked + i, checkpoints, prev, event.seq, problem);
      checkpoints++;
    }
    if (recent.size > PAGE * 2) for (const seq of [...recent.keys()].slice(0, PAGE)) recent.delete(seq);
    checked += page.length;
    prev = v.head ?? prev;
  }
  const head = store.auditHead();
  if (head.seq !== prev.seq)
    return bad(checked, checkpoints, prev, prev.seq + 1, `log ends at seq ${prev.seq} but the head is seq ${head.seq}`);
  return { ok: true, checked, checkpoints, head: prev };
}

/** The checkpoint must name the hash the chain really has at its seq. */
function signedHeadProblem(
  store: Pick<Store, 'listAudit'>,
  event: AuditEvent,
  recent: Map<number, string>,
): string | undefined {
  const d = event.data as unknown as AuditCheckpointData;
  const actual = recent.get(d.seq) ?? store.listAudit({ afterSeq: d.seq - 1, untilSeq: d.seq, limit: 1 })[0]?.hash;
  if (actual === undefined) return `checkpoint names seq ${d.seq}, which is not in the log`;
  if (actual !== d.hash)
    return `checkpoint signed hash ${d.hash} for seq ${d.seq}, the log has ${actual}: the log was rewritten`;
  return undefined;
}

function bad(
  checked: number,
  checkpoints: number,
  head: { seq: number; hash: string },
  firstBadSeq: number,
  problem: string,
): AuditLogCheck {
  return { ok: false, checked, checkpoints, head, firstBadSeq, problem };
}
