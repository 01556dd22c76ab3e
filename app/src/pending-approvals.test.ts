import { describe, expect, it } from 'vitest';
import { type ApprovalSummary, noticeFor, PendingApprovals, pendingLabel } from './pending-approvals';

const req = (id: string, statement = `DELETE FROM orders WHERE id = ${id}`): ApprovalSummary => ({
  id,
  status: 'pending',
  principal: 'agent-demo',
  connection: 'demo',
  statement,
});
const requested = (a: ApprovalSummary) => ({ type: 'approval.requested' as const, approval: a });
const decided = (a: ApprovalSummary, status: ApprovalSummary['status'] = 'approved') => ({
  type: 'approval.decided' as const,
  approval: { ...a, status },
});

describe('PendingApprovals', () => {
  it('counts requests and notifies each once', () => {
    const p = new PendingApprovals();
    const first = p.apply(requested(req('a')));
    expect(first).toEqual({ count: 1, countChanged: true, notify: [noticeFor(req('a'))] });
    expect(p.apply(requested(req('a')))).toEqual({ count: 1, countChanged: false, notify: [] });
    expect(p.apply(requested(req('b'))).count).toBe(2);
  });

  it('drops decided, expired and cancelled requests from the count', () => {
    const p = new PendingApprovals();
    for (const id of ['a', 'b', 'c']) p.apply(requested(req(id)));
    expect(p.apply(decided(req('a')))).toEqual({ count: 2, countChanged: true, notify: [] });
    expect(p.apply(decided(req('b'), 'expired')).count).toBe(1);
    expect(p.apply(decided(req('c'), 'cancelled')).count).toBe(0);
    expect(p.apply(decided(req('c'), 'cancelled')).countChanged).toBe(false);
  });

  it('ignores a late "requested" for a request already decided', () => {
    const p = new PendingApprovals();
    p.apply(requested(req('a')));
    p.apply(decided(req('a'), 'denied'));
    expect(p.apply(requested(req('a')))).toEqual({ count: 0, countChanged: false, notify: [] });
  });

  it('ignores a "requested" event whose request is no longer pending', () => {
    const p = new PendingApprovals();
    expect(p.apply(requested({ ...req('a'), status: 'approved' }))).toEqual({
      count: 0,
      countChanged: false,
      notify: [],
    });
  });

  it('takes the first listing silently, then notifies what later listings add', () => {
    const p = new PendingApprovals();
    expect(p.sync([req('a'), req('b')], { notify: false })).toEqual({ count: 2, countChanged: true, notify: [] });
    expect(p.apply(requested(req('a'))).notify).toEqual([]);
    const next = p.sync([req('b'), req('c')], { notify: true });
    expect(next).toEqual({ count: 2, countChanged: false, notify: [noticeFor(req('c'))] });
    expect(p.apply(requested(req('a'))).notify).toEqual([]);
  });

  it('skips entries of a listing that are not pending', () => {
    const p = new PendingApprovals();
    expect(p.sync([req('a'), { ...req('b'), status: 'denied' }], { notify: true }).count).toBe(1);
  });

  it('folds a burst of new requests into one notification', () => {
    const p = new PendingApprovals({ maxNotices: 2 });
    const update = p.sync([req('a'), req('b'), req('c')], { notify: true });
    expect(update.notify).toEqual([
      { id: 'burst', title: '3 approvals requested', body: 'Open Vigil to decide them.' },
    ]);
    expect(
      p.sync([req('a'), req('b'), req('c'), req('d'), req('e')], { notify: true }).notify.map((n) => n.id),
    ).toEqual(['d', 'e']);
  });

  it('forgets the oldest decided ids beyond its memory, never a pending one', () => {
    const p = new PendingApprovals({ remember: 2 });
    p.apply(requested(req('keep')));
    for (const id of ['x', 'y', 'z']) {
      p.apply(requested(req(id)));
      p.apply(decided(req(id)));
    }
    expect(p.apply(requested(req('keep'))).notify).toEqual([]);
    expect(p.apply(requested(req('z'))).notify).toEqual([]);
    // `x` was forgotten: seen again, it counts as new.
    expect(p.apply(requested(req('x'))).notify.map((n) => n.id)).toEqual(['x']);
    expect(p.count).toBe(2);
  });
});

describe('noticeFor', () => {
  it('names the requester, the connection and the statement on one line', () => {
    expect(noticeFor(req('a', 'UPDATE customers\n   SET email = NULL'))).toEqual({
      id: 'a',
      title: 'Approval requested',
      body: 'agent-demo on demo: UPDATE customers SET email = NULL',
    });
  });

  it('shortens long statements', () => {
    const body = noticeFor(req('a', `INSERT INTO t VALUES (${'1, '.repeat(200)}1)`)).body;
    expect(body.endsWith('…')).toBe(true);
    expect(body.length).toBeLessThan(180);
  });
});

describe('pendingLabel', () => {
  it('says how many are waiting', () => {
    expect(pendingLabel(0)).toBe('Vigil: no pending approvals');
    expect(pendingLabel(1)).toBe('Vigil: 1 pending approval');
    expect(pendingLabel(12)).toBe('Vigil: 12 pending approvals');
  });
});
