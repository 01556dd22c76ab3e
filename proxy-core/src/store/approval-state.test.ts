import { describe, expect, it } from 'vitest';
import {
  type ApprovalEvent,
  type ApprovalState,
  type ApprovalStatus,
  type ApprovalVote,
  transition,
} from './approval-state';

const pending: ApprovalState = {
  status: 'pending',
  principal: 'agent-7',
  requiredCount: 2,
  approverGroups: ['dba'],
  expiresAt: '2030-01-01T00:10:00.000Z',
  votes: [],
  decidedAt: null,
};

function vote(
  approver: string,
  decision: 'approve' | 'deny' = 'approve',
  extra: Partial<ApprovalVote> = {},
): ApprovalEvent {
  return {
    type: 'vote',
    vote: { approver, groups: ['dba'], decision, reason: null, at: '2030-01-01T00:01:00.000Z', ...extra },
  };
}

function apply(state: ApprovalState, ...events: ApprovalEvent[]): ApprovalState {
  return events.reduce((s, e) => {
    const r = transition(s, e);
    if (!r.ok) throw new Error(r.reason);
    return r.state;
  }, state);
}

describe('approval state machine', () => {
  it('counts approvals until requiredCount distinct approvers agree', () => {
    const one = apply(pending, vote('alice'));
    expect(one.status).toBe('pending');
    expect(one.votes).toHaveLength(1);
    const two = apply(one, vote('bob', 'approve', { at: '2030-01-01T00:02:00.000Z' }));
    expect(two).toMatchObject({ status: 'approved', decidedAt: '2030-01-01T00:02:00.000Z' });
  });

  it('is denied by one eligible deny, even after approvals', () => {
    expect(apply(pending, vote('alice'), vote('bob', 'deny'))).toMatchObject({ status: 'denied' });
  });

  it.each([
    ['self-approval', vote('agent-7'), /own request/],
    ['not an approver', vote('mallory', 'approve', { groups: ['ai-agents'] }), /not in an approver group/],
    ['vote at expiry', vote('alice', 'approve', { at: '2030-01-01T00:10:00.000Z' }), /expired/],
    ['vote time not a date', vote('alice', 'approve', { at: 'soon' }), /not a date/],
    ['expire before due', { type: 'expire', at: '2030-01-01T00:09:59.999Z' } as const, /does not expire until/],
  ])('refuses %s', (_name, event, reason) => {
    const r = transition(pending, event);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });

  it('lets a requester deny their own request (fail-closed direction)', () => {
    const withGroup = { ...pending, approverGroups: ['dba', 'ai-agents'] };
    expect(apply(withGroup, vote('agent-7', 'deny', { groups: ['ai-agents'] })).status).toBe('denied');
  });

  it('refuses a second vote by the same approver, whatever the decision', () => {
    const once = apply(pending, vote('alice'));
    expect(transition(once, vote('alice')).ok).toBe(false);
    expect(transition(once, vote('alice', 'deny'))).toEqual({ ok: false, reason: 'alice has already voted' });
  });

  it('expires at or after expiresAt, and cancels any time while pending', () => {
    expect(apply(pending, { type: 'expire', at: pending.expiresAt }).status).toBe('expired');
    expect(apply(pending, { type: 'cancel', at: '2030-01-01T00:00:01.000Z' })).toMatchObject({
      status: 'cancelled',
      decidedAt: '2030-01-01T00:00:01.000Z',
    });
  });

  const terminal: ApprovalStatus[] = ['approved', 'denied', 'expired', 'cancelled'];
  const events: ApprovalEvent[] = [
    vote('carol'),
    { type: 'expire', at: '2031-01-01T00:00:00Z' },
    { type: 'cancel', at: '2030-01-01T00:00:00Z' },
  ];
  it.each(terminal.flatMap((status) => events.map((event) => [status, event] as const)))(
    '%s accepts no %o',
    (status, event) => {
      expect(transition({ ...pending, status }, event)).toEqual({
        ok: false,
        reason: `cannot ${event.type}: the request is ${status}`,
      });
    },
  );

  it('does not mutate the state it is given', () => {
    const frozen = Object.freeze({ ...pending, votes: Object.freeze([]) as readonly ApprovalVote[] });
    expect(() => apply(frozen, vote('alice'), vote('bob'))).not.toThrow();
    expect(frozen.votes).toHaveLength(0);
  });
});
