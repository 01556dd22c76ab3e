import type { ApprovalRequest } from '../../proxy-core/src/store/store.types';

/** The parts of an approval request the desktop shell shows. */
export type ApprovalSummary = Pick<ApprovalRequest, 'id' | 'status' | 'principal' | 'connection' | 'statement'>;

/** The broker's events (`ApprovalBroker.subscribe`). */
export interface ApprovalEvent {
  type: 'approval.requested' | 'approval.decided';
  approval: ApprovalSummary;
}

export interface ApprovalNotice {
  /** The approval's id, or `burst` for a summary of several. */
  id: string;
  title: string;
  body: string;
}

export interface PendingUpdate {
  count: number;
  /** The badge needs redrawing. */
  countChanged: boolean;
  /** OS notifications to show now: each approval once, ever (within `remember`). */
  notify: ApprovalNotice[];
}

export interface PendingApprovalsOptions {
  /** How many decided approval ids to remember for de-duplication (oldest forgotten first). Default 5000. */
  remember?: number;
  /** More new approvals than this at once become one summary notification. Default 3. */
  maxNotices?: number;
}

const STATEMENT_CHARS = 140;

/**
 * What the tray badge and the OS notifications show, fed by the broker's events and by listings of the
 * store (`listApprovals({ status: 'pending' })`, at start and on a periodic re-sync). Pure: no timers, no
 * Electron; main decides how to draw what it returns.
 */
export class PendingApprovals {
  private readonly pending = new Map<string, ApprovalSummary>();
  /** Decided (or vanished) requests, insertion-ordered so the oldest is forgotten first. */
  private readonly closed = new Set<string>();
  private readonly remember: number;
  private readonly maxNotices: number;

  constructor(opts: PendingApprovalsOptions = {}) {
    this.remember = opts.remember ?? 5000;
    this.maxNotices = opts.maxNotices ?? 3;
  }

  get count(): number {
    return this.pending.size;
  }

  /**
   * Replaces the pending set with a listing from the store (the source of truth). `notify: false` for the
   * first listing at start-up: the badge shows those, without a burst of notifications.
   */
  sync(listing: readonly ApprovalSummary[], opts: { notify: boolean }): PendingUpdate {
    const before = this.pending.size;
    const fresh: ApprovalSummary[] = [];
    const stillPending = new Set<string>();
    for (const a of listing) {
      if (a.status !== 'pending') continue;
      stillPending.add(a.id);
      if (!this.seen(a.id)) fresh.push(a);
      this.closed.delete(a.id);
      this.pending.set(a.id, a);
    }
    for (const id of [...this.pending.keys()]) {
      if (!stillPending.has(id)) this.close(id);
    }
    return this.update(before, opts.notify ? fresh : []);
  }

  apply(event: ApprovalEvent): PendingUpdate {
    const before = this.pending.size;
    const a = event.approval;
    if (event.type === 'approval.requested' && a.status === 'pending') {
      // A late or repeated event for a request already seen (or already decided) changes nothing.
      if (this.seen(a.id)) return this.update(before, []);
      this.pending.set(a.id, a);
      return this.update(before, [a]);
    }
    this.close(a.id);
    return this.update(before, []);
  }

  private update(before: number, fresh: ApprovalSummary[]): PendingUpdate {
    const notify =
      fresh.length > this.maxNotices
        ? [{ id: 'burst', title: `${fresh.length} approvals requested`, body: 'Open Vigil to decide them.' }]
        : fresh.map(noticeFor);
    return { count: this.pending.size, countChanged: this.pending.size !== before, notify };
  }

  private seen(id: string): boolean {
    return this.pending.has(id) || this.closed.has(id);
  }

  private close(id: string): void {
    this.pending.delete(id);
    this.closed.delete(id);
    this.closed.add(id);
    for (const oldest of this.closed) {
      if (this.closed.size <= this.remember) break;
      this.closed.delete(oldest);
    }
  }
}

export function noticeFor(a: ApprovalSummary): ApprovalNotice {
  const statement = a.statement.replace(/\s+/g, ' ').trim();
  const short = statement.length > STATEMENT_CHARS ? `${statement.slice(0, STATEMENT_CHARS - 1)}…` : statement;
  return { id: a.id, title: 'Approval requested', body: `${a.principal} on ${a.connection}: ${short}` };
}

/** The tray tooltip (and the accessible description of the taskbar overlay). */
export function pendingLabel(count: number): string {
  if (count === 0) return 'Vigil: no pending approvals';
  return `Vigil: ${count} pending approval${count === 1 ? '' : 's'}`;
}
