// The approval request life cycle as a pure STATE/EVENT table (STYLE.md §7): the store loads the state,
// calls transition() inside a transaction and writes back what it returns, so every writer, in any
// process, applies the same rules.

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';

export interface ApprovalVote {
  approver: string;
  /** The approver's groups when they voted: eligibility is checked against the request's approverGroups. */
  groups: readonly string[];
  decision: 'approve' | 'deny';
  reason: string | null;
  /** ISO 8601. */
  at: string;
}

export interface ApprovalState {
  status: ApprovalStatus;
  /** The requester. */
  principal: string;
  requiredCount: number;
  approverGroups: readonly string[];
  expiresAt: string;
  votes: readonly ApprovalVote[];
  decidedAt: string | null;
}

export type ApprovalEvent =
  | { type: 'vote'; vote: ApprovalVote }
  | { type: 'expire'; at: string }
  | { type: 'cancel'; at: string };

export type ApprovalTransition = { ok: true; state: ApprovalState } | { ok: false; reason: string };

type Handlers = {
  [K in ApprovalEvent['type']]?: (
    state: ApprovalState,
    event: Extract<ApprovalEvent, { type: K }>,
  ) => ApprovalTransition;
};

/** What each state accepts; a terminal state accepts nothing. */
const TABLE: Record<ApprovalStatus, Handlers> = {
  pending: { vote: onVote, expire: onExpire, cancel: onCancel },
  approved: {},
  denied: {},
  expired: {},
  cancelled: {},
};

export function transition(state: ApprovalState, event: ApprovalEvent): ApprovalTransition {
  const handler = TABLE[state.status][event.type] as
    | ((state: ApprovalState, event: ApprovalEvent) => ApprovalTransition)
    | undefined;
  if (handler === undefined) return refuse(`cannot ${event.type}: the request is ${state.status}`);
  return handler(state, event);
}

export function approvalCount(votes: readonly ApprovalVote[]): number {
  return votes.filter((v) => v.decision === 'approve').length;
}

/** One eligible deny decides (fail closed); approvals decide once requiredCount distinct approvers agree. */
function onVote(state: ApprovalState, { vote }: { vote: ApprovalVote }): ApprovalTransition {
  const at = Date.parse(vote.at);
  if (Number.isNaN(at)) return refuse(`vote time ${vote.at} is not a date`);
  if (at >= Date.parse(state.expiresAt)) return refuse(`the request expired at ${state.expiresAt}`);
  if (vote.decision === 'approve' && vote.approver === state.principal) {
    return refuse('a requester cannot approve their own request');
  }
  if (state.votes.some((v) => v.approver === vote.approver)) return refuse(`${vote.approver} has already voted`);
  if (!vote.groups.some((g) => state.approverGroups.includes(g))) {
    return refuse(`${vote.approver} is not in an approver group (${state.approverGroups.join(', ')})`);
  }
  const votes = [...state.votes, vote];
  if (vote.decision === 'deny') return accept({ ...state, votes, status: 'denied', decidedAt: vote.at });
  if (approvalCount(votes) >= state.requiredCount) {
    return accept({ ...state, votes, status: 'approved', decidedAt: vote.at });
  }
  return accept({ ...state, votes });
}

function onExpire(state: ApprovalState, { at }: { at: string }): ApprovalTransition {
  const when = Date.parse(at);
  if (Number.isNaN(when)) return refuse(`expiry time ${at} is not a date`);
  if (when < Date.parse(state.expiresAt)) return refuse(`the request does not expire until ${state.expiresAt}`);
  return accept({ ...state, status: 'expired', decidedAt: at });
}

function onCancel(state: ApprovalState, { at }: { at: string }): ApprovalTransition {
  if (Number.isNaN(Date.parse(at))) return refuse(`cancel time ${at} is not a date`);
  return accept({ ...state, status: 'cancelled', decidedAt: at });
}

function accept(state: ApprovalState): ApprovalTransition {
  return { ok: true, state };
}

function refuse(reason: string): ApprovalTransition {
  return { ok: false, reason };
}
