import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditHead } from '../audit/audit.types';
import { type AuditChainVerification, verifyAuditChain } from '../audit/audit-chain';
import { sha256Hex } from '../audit/node-sha256';
import type { Store } from '../store/store.types';

export interface ChainStatus {
  ok: boolean;
  /** Events that passed every check, from the first. */
  checked: number;
  problem?: string;
  firstBadSeq?: number;
  /** The head the status is about. */
  headSeq: number;
}

interface Verified extends ChainStatus {
  headHash: string;
  /** When the chain was last verified from genesis (epoch ms). */
  fullAt: number;
}

export interface ChainCheckerOptions {
  /** Events read per page; the event loop gets a turn between pages. Default 5000. */
  pageSize?: number;
  /** Re-verify from genesis at least this often; in between only new events are checked. Default 5 min. */
  fullEveryMs?: number;
  now?: () => number;
}

/**
 * The audit chain's status for `GET /api/audit`. The first check walks the whole chain from genesis, page by page;
 * the result is kept for the head it saw. When events are appended only those are verified, linked to the last
 * verified hash; every `fullEveryMs` the whole chain is walked again, so an edit to an old event is found too.
 */
export class AuditChainChecker {
  private last: Verified | undefined;
  private running: Promise<ChainStatus> | undefined;
  private readonly pageSize: number;
  private readonly fullEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<Store, 'auditHead' | 'listAudit'>,
    opts: ChainCheckerOptions = {},
  ) {
    this.pageSize = opts.pageSize ?? 5000;
    this.fullEveryMs = opts.fullEveryMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  status(): Promise<ChainStatus> {
    const head = this.store.auditHead();
    const last = this.last;
    const fresh = last !== undefined && this.now() - last.fullAt < this.fullEveryMs;
    if (last && fresh && last.headSeq === head.seq && last.headHash === head.hash) return Promise.resolve(view(last));
    this.running ??= this.verify(head).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async verify(head: AuditHead): Promise<ChainStatus> {
    const last = this.last;
    const incremental = last?.ok === true && this.now() - last.fullAt < this.fullEveryMs && head.seq > last.headSeq;
    const start = incremental ? last : undefined;
    let afterSeq = start?.headSeq ?? 0;
    let prevHash = start?.headHash;
    let checked = start?.checked ?? 0;
    const fullAt = start?.fullAt ?? this.now();
    while (afterSeq < head.seq) {
      const events = this.store.listAudit({ afterSeq, untilSeq: head.seq, limit: this.pageSize });
      const first = events[0];
      if (!first || first.seq !== afterSeq + 1) {
        return this.keep({
          ok: false,
          checked,
          firstBadSeq: afterSeq + 1,
          problem: `event ${afterSeq + 1} is missing`,
          headSeq: head.seq,
          headHash: head.hash,
          fullAt,
        });
      }
      const result: AuditChainVerification = verifyAuditChain(events, {
        sha256Hex,
        ...(prevHash === undefined ? {} : { expectedPrevHash: prevHash }),
      });
      checked += result.checked;
      if (!result.ok || !result.head) {
        const bad: Verified = { ok: false, checked, headSeq: head.seq, headHash: head.hash, fullAt };
        if (result.problem !== undefined) bad.problem = result.problem;
        if (result.firstBadSeq !== undefined) bad.firstBadSeq = result.firstBadSeq;
        return this.keep(bad);
      }
      afterSeq = result.head.seq;
      prevHash = result.head.hash;
      await nextTurn();
    }
    if (head.seq > 0 && prevHash !== head.hash) {
      return this.keep({
        ok: false,
        checked,
        firstBadSeq: head.seq,
        problem: 'the chain head does not match the last event',
        headSeq: head.seq,
        headHash: head.hash,
        fullAt,
      });
    }
    return this.keep({ ok: true, checked, headSeq: head.seq, headHash: head.hash, fullAt });
  }

  private keep(result: Verified): ChainStatus {
    this.last = result;
    return view(result);
  }
}

function view(v: Verified): ChainStatus {
  const { headHash: _hash, fullAt: _at, ...status } = v;
  return status;
}
