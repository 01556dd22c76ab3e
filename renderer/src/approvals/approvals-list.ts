import type { Approval } from '../api/api.types';
import { laterOf, type Progression } from '../lib/later-view';

const APPROVAL_PROGRESSION: Progression<Approval> = {
  status: (a) => a.status,
  open: 'pending',
  progress: (a) => a.votes.length,
};

/**
 * The later of two views of one approval, whichever arrived last: a decided (or expired, cancelled) one over a
 * pending one, and of two pending ones the one with more votes. On a tie the incoming view wins.
 */
export function laterApproval(current: Approval, incoming: Approval): Approval {
  return laterOf(current, incoming, APPROVAL_PROGRESSION);
}

/**
 * Inserts or replaces an approval (by id) unless a later view of it is listed (a list answer that left the server
 * before the decision did), keeping the list oldest request first (the inbox order).
 */
export function upsertApproval(approvals: Approval[], approval: Approval): Approval[] {
  const current = approvals.find((a) => a.id === approval.id);
  if (current && laterApproval(current, approval) === current) return approvals;
  const others = approvals.filter((a) => a.id !== approval.id);
  return [...others, approval].sort((a, b) => Date.parse(a.requestedAt) - Date.parse(b.requestedAt));
}

export const pendingOnly = (approvals: readonly Approval[]) => approvals.filter((a) => a.status === 'pending');

export const pendingForSession = (approvals: readonly Approval[], sessionId: string) =>
  approvals.filter((a) => a.status === 'pending' && a.sessionId === sessionId);

/** How an action from the policy (string, or an object such as `{ type, ... }`) reads on a card. */
export function describeAction(action: unknown): string {
  if (typeof action === 'string') return action;
  if (action && typeof action === 'object') {
    const a = action as Record<string, unknown>;
    const kind = typeof a.kind === 'string' ? a.kind : typeof a.type === 'string' ? a.type : null;
    const tables = Array.isArray(a.tables) ? a.tables.filter((t) => typeof t === 'string').join(', ') : '';
    if (kind) return tables ? `${kind} ${tables}` : kind;
  }
  return JSON.stringify(action);
}
