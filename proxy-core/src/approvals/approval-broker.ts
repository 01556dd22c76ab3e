import { createHmac, randomUUID } from 'node:crypto';
import type { Principal } from '../identity/identity.types';
import type { Logger } from '../logger';
import type { ReviewOutcome } from '../pipeline/command-gate.types';
import type { ApprovalRequest, Store } from '../store/store.types';
import { StoreError } from '../store/store-error';

export interface ApprovalInput {
  sessionId: string;
  principal: Principal;
  connection: string;
  statement: string;
  /** The values of each run it stands for, as text (PostgreSQL Binds' parameters). */
  runs?: Array<Array<string | null>>;
  actions: unknown;
  rule: string;
  approvers: { groups: string[]; count: number };
  timeoutMs: number;
}

/** Why a decision was refused; `status` is the HTTP status the control API answers with. */
export class ApprovalError extends Error {
  override name = 'ApprovalError';
  constructor(
    message: string,
    readonly status: 403 | 404 | 409,
  ) {
    super(message);
  }
}

export type ApprovalListener = (event: {
  type: 'approval.requested' | 'approval.decided';
  approval: ApprovalRequest;
}) => void;

export interface ApprovalBrokerOptions {
  store: Store;
  logger: Logger;
  /** Called (HMAC-signed body) on each new pending request. */
  webhook?: { url: string; secret: string } | undefined;
  /** How often requests decided by another process (`vigil approvals`) are picked up. */
  pollMs?: number;
}

/**
 * Holds statements for a human decision. The store is the source of truth, so a decision made by
 * `vigil approvals approve` in another process releases the statement here too; each state change is
 * validated by the store's transition table and audited.
 */
export class ApprovalBroker {
  private readonly waiting = new Map<string, { resolve: (o: ReviewOutcome) => void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Set<ApprovalListener>();
  private poller: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ApprovalBrokerOptions) {}

  request(input: ApprovalInput): { request: ApprovalRequest; decided: Promise<ReviewOutcome> } {
    const id = `apr_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    const request = this.opts.store.createApproval({
      id,
      sessionId: input.sessionId,
      principal: input.principal.sub,
      connection: input.connection,
      statement: input.statement,
      ...(input.runs === undefined ? {} : { runs: input.runs }),
      actions: input.actions,
      rule: input.rule,
      requiredCount: input.approvers.count,
      approverGroups: input.approvers.groups,
      expiresAt: new Date(Date.now() + input.timeoutMs).toISOString(),
    });
    this.audit('approval.requested', request, input.principal.sub, {
      statement: request.statement,
      ...(request.runs.length > 0 ? { runs: request.runs } : {}),
      rule: request.rule,
      expiresAt: request.expiresAt,
    });
    const decided = new Promise<ReviewOutcome>((resolve) => {
      const timer = setTimeout(() => this.expire(id), input.timeoutMs);
      this.waiting.set(id, { resolve, timer });
    });
    this.ensurePolling();
    this.emit({ type: 'approval.requested', approval: request });
    void this.callWebhook(request);
    return { request, decided };
  }

  /** An approver's vote. Self-approval, a second vote, a non-approver or a closed request are refused. */
  decide(id: string, approver: Principal, decision: 'approve' | 'deny', reason: string): ApprovalRequest {
    const current = this.opts.store.getApproval(id);
    if (!current) throw new ApprovalError(`no approval request ${id}`, 404);
    if (!approver.roles.includes('approver') && !approver.roles.includes('admin'))
      throw new ApprovalError(`${approver.sub} has no approver role`, 403);
    let updated: ApprovalRequest;
    try {
      updated = this.opts.store.recordApprovalVote(id, {
        approver: approver.sub,
        groups: approver.groups,
        decision,
        reason: reason || null,
        at: new Date().toISOString(),
      });
    } catch (err) {
      if (err instanceof StoreError) throw new ApprovalError(err.message, current.status === 'pending' ? 403 : 409);
      throw err;
    }
    this.audit('approval.vote', updated, approver.sub, { decision, reason, status: updated.status });
    if (updated.status !== 'pending') this.settle(updated);
    return updated;
  }

  /** The client went away while its statement was held. */
  cancel(id: string): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    try {
      const updated = this.opts.store.setApprovalStatus(id, 'cancelled', new Date().toISOString());
      this.settle(updated);
    } catch (err) {
      this.opts.logger.warn('could not cancel approval request', { id, err });
    }
  }

  subscribe(listener: ApprovalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearInterval(this.poller);
    for (const id of [...this.waiting.keys()]) this.cancel(id);
  }

  /**
   * A timer runs on the monotonic clock and may fire a little before the wall clock reaches the
   * deadline (or the wall clock may have been stepped back): the store would refuse that expiry, so
   * the timer is set again for what is left instead of leaving the statement held for good.
   */
  private expire(id: string): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    const current = this.opts.store.getApproval(id);
    if (current && current.status !== 'pending') {
      this.settle(current);
      return;
    }
    const left = current ? Date.parse(current.expiresAt) - Date.now() : 0;
    if (left > 0) {
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => this.expire(id), left);
      return;
    }
    try {
      this.settle(this.opts.store.setApprovalStatus(id, 'expired', new Date().toISOString()));
    } catch (err) {
      // Decided in the meantime (by another process): settle with that decision; otherwise try again.
      const decided = this.opts.store.getApproval(id);
      if (decided && decided.status !== 'pending') {
        this.settle(decided);
        return;
      }
      this.opts.logger.warn('could not expire approval request; retrying', { id, err });
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => this.expire(id), 1000);
    }
  }

  /** Resolves the held statement once, with the request's final state. */
  private settle(request: ApprovalRequest): void {
    const entry = this.waiting.get(request.id);
    if (!entry) return;
    this.waiting.delete(request.id);
    clearTimeout(entry.timer);
    const last = request.votes.at(-1);
    if (request.status !== 'approved') {
      this.audit('approval.decided', request, last?.approver ?? 'system', { status: request.status });
    } else {
      this.audit('approval.decided', request, last?.approver ?? 'system', {
        status: 'approved',
        approvers: request.votes.map((v) => v.approver),
      });
    }
    this.emit({ type: 'approval.decided', approval: request });
    if (request.status === 'approved')
      entry.resolve({
        approved: true,
        approver: request.votes.map((v) => v.approver).join(', '),
        reason: last?.reason ?? '',
      });
    else
      entry.resolve({
        approved: false,
        approver: request.status === 'denied' ? (last?.approver ?? null) : null,
        reason: request.status === 'denied' ? (last?.reason ?? '') : request.status,
        status: request.status === 'denied' ? 'denied' : request.status === 'expired' ? 'expired' : 'cancelled',
      });
    if (this.waiting.size === 0) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  private ensurePolling(): void {
    if (this.poller) return;
    this.poller = setInterval(() => {
      for (const id of this.waiting.keys()) {
        const current = this.opts.store.getApproval(id);
        if (current && current.status !== 'pending') this.settle(current);
      }
    }, this.opts.pollMs ?? 250);
    this.poller.unref();
  }

  private audit(type: string, request: ApprovalRequest, actor: string, data: Record<string, unknown>): void {
    this.opts.store.appendAudit({
      type,
      actor,
      sessionId: request.sessionId,
      connection: request.connection,
      data: { requestId: request.id, ...data },
    });
  }

  private emit(event: Parameters<ApprovalListener>[0]): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.opts.logger.warn('approval listener failed', { err });
      }
    }
  }

  private async callWebhook(request: ApprovalRequest): Promise<void> {
    const hook = this.opts.webhook;
    if (!hook) return;
    const body = JSON.stringify({ type: 'approval.requested', approval: request });
    const signature = createHmac('sha256', hook.secret).update(body).digest('hex');
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-vigil-signature': `sha256=${signature}` },
        body,
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) this.opts.logger.warn('approval webhook answered an error', { status: res.status });
    } catch (err) {
      this.opts.logger.warn('approval webhook failed', { err });
    }
  }
}
