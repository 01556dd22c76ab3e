import { describe, expect, it } from 'vitest';
import type { Approval } from '../api/api.types';
import { describeAction, laterApproval, pendingForSession, upsertApproval } from './approvals-list';

const approval = (id: string, requestedAt: string, extra: Partial<Approval> = {}): Approval => ({
  id,
  sessionId: 's1',
  principal: 'agent-1',
  connection: 'orders-db',
  statement: 'delete from orders',
  actions: [],
  rule: 'writes-need-review',
  status: 'pending',
  requestedAt,
  expiresAt: requestedAt,
  requiredCount: 1,
  votes: [],
  ...extra,
});

describe('approvals list', () => {
  it('never lets an older view replace a later one (a pending answer after the decision)', () => {
    const decided = approval('a', '2025-01-01T10:00:00Z', { status: 'denied' });
    const list = [decided];
    expect(upsertApproval(list, approval('a', '2025-01-01T10:00:00Z'))).toBe(list);
    const vote = { approver: 'alice', decision: 'approve', reason: '', at: '2025-01-01T10:01:00Z' };
    const oneVote = approval('b', '2025-01-01T10:00:00Z', { requiredCount: 2, votes: [vote] });
    const none = approval('b', '2025-01-01T10:00:00Z', { requiredCount: 2 });
    expect(laterApproval(oneVote, none)).toBe(oneVote);
    expect(laterApproval(none, oneVote)).toBe(oneVote);
    expect(laterApproval(decided, decided)).toBe(decided);
  });

  it('keeps the inbox oldest first and replaces by id', () => {
    let list = upsertApproval([], approval('b', '2025-01-01T10:05:00Z'));
    list = upsertApproval(list, approval('a', '2025-01-01T10:00:00Z'));
    list = upsertApproval(list, approval('b', '2025-01-01T10:05:00Z', { status: 'approved' }));
    expect(list.map((a) => [a.id, a.status])).toEqual([
      ['a', 'pending'],
      ['b', 'approved'],
    ]);
    expect(pendingForSession(list, 's1').map((a) => a.id)).toEqual(['a']);
    expect(pendingForSession(list, 's2')).toEqual([]);
  });

  it('describes actions of any shape', () => {
    expect(describeAction('delete')).toBe('delete');
    expect(describeAction({ kind: 'delete', tables: ['orders'] })).toBe('delete orders');
    expect(describeAction({ type: 'update' })).toBe('update');
    expect(describeAction(7)).toBe('7');
  });
});
