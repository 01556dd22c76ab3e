import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../identity/identity.types';
import { silentLogger } from '../logger';
import type { Store } from '../store/store.types';
import { openTempStore, type TempStore } from '../store/temp-store';
import { ApprovalBroker, type ApprovalInput } from './approval-broker';

const agent: Principal = { sub: 'agent-7', groups: ['agents'], roles: ['agent'], issuer: 'test', expiresAt: 0 };

let temp: TempStore | undefined;
let broker: ApprovalBroker | undefined;
afterEach(() => {
  vi.useRealTimers();
  broker?.close();
  temp?.remove();
  broker = temp = undefined;
});

/** A broker on a fresh store, with a held DELETE that times out after `timeoutMs`. */
function hold(timeoutMs: number, pollMs?: number) {
  temp = openTempStore();
  const store: Store = temp.store;
  const session = store.createSession({
    principal: agent.sub,
    groups: agent.groups,
    connection: 'db',
    protocol: 'postgres',
    clientAddr: '127.0.0.1:50000',
    upstream: '127.0.0.1:5432',
    recording: 'r.vrec',
  });
  const input: ApprovalInput = {
    sessionId: session.id,
    principal: agent,
    connection: 'db',
    statement: 'DELETE FROM orders',
    actions: [{ kind: 'delete', table: 'public.orders' }],
    rule: 'review-deletes',
    approvers: { groups: ['dba'], count: 1 },
    timeoutMs,
  };
  broker = new ApprovalBroker({ store, logger: silentLogger, pollMs });
  return { store, ...broker.request(input) };
}

describe('ApprovalBroker expiry', () => {
  it('a timer that fires before the wall clock reaches the deadline waits for it instead of holding forever', async () => {
    // Timers run on the monotonic clock; faking only them makes one fire while the wall clock has not moved.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const { store, request, decided } = hold(40);
    let outcome: unknown;
    void decided.then((o) => {
      outcome = o;
    });
    vi.advanceTimersByTime(40);
    await Promise.resolve();
    expect(outcome).toBeUndefined();
    expect(store.getApproval(request.id)?.status).toBe('pending');
    while (Date.now() <= Date.parse(request.expiresAt)) await new Promise((r) => setImmediate(r));
    vi.advanceTimersByTime(40);
    await Promise.resolve();
    expect(outcome).toMatchObject({ approved: false, status: 'expired' });
    const stored = store.getApproval(request.id);
    expect(stored?.status).toBe('expired');
    expect(Date.parse(stored?.decidedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(request.expiresAt));
  });

  it('a request decided elsewhere before its timer fires settles with that decision', async () => {
    const { store, request, decided } = hold(40, 10_000);
    store.recordApprovalVote(request.id, {
      approver: 'alice',
      groups: ['dba'],
      decision: 'deny',
      reason: 'not today',
      at: new Date().toISOString(),
    });
    expect(await decided).toMatchObject({ approved: false, status: 'denied', approver: 'alice', reason: 'not today' });
  });
});
