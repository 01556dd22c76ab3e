import { describe, expect, it } from 'vitest';
import type { Approval } from '../api/api.types';
import { describeAction, pendingForSession, upsertApproval } from './approvals-list';

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
