import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture, USERS } from '../src/api/testing/api-fixture';
import type { Principal } from '../src/identity/identity.types';
import type { ReviewOutcome } from '../src/pipeline/command-gate.types';

describe('control API: approvals', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  const requester = (sub: string): Principal => ({
    sub,
    groups: ['ai-agents'],
    roles: ['agent'],
    issuer: 'test',
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  });

  function hold(sub = 'agent-1', statement = 'delete from orders where id = 1') {
    const s = f.openSession({ sub });
    return f.broker.request({
      sessionId: s.id,
      principal: requester(sub),
      connection: 'shop',
      statement,
      actions: [{ kind: 'delete', tables: ['orders'] }],
      rule: 'writes need a DBA',
      approvers: { groups: ['dba', 'vigil-admins'], count: 1 },
      timeoutMs: 60_000,
    });
  }

  it('lists pending requests for approvers (with requestedAt), refuses auditors', async () => {
    const { request } = hold();
    const res = await f.get('/api/approvals', { headers: await bearer(f, USERS.approver) });
    const { approvals } = (await res.json()) as { approvals: Record<string, unknown>[] };
    expect(approvals.map((a) => a.id)).toContain(request.id);
    expect(approvals.find((a) => a.id === request.id)).toMatchObject({
      status: 'pending',
      statement: 'delete from orders where id = 1',
      requestedAt: request.createdAt,
      principal: 'agent-1',
      rule: 'writes need a DBA',
    });
    expect((await f.get('/api/approvals', { headers: await bearer(f, USERS.auditor) })).status).toBe(403);
    expect((await f.get('/api/approvals?status=maybe', { headers: await bearer(f, USERS.approver) })).status).toBe(400);
  });

  it('an approver approves through the API: the held statement is released, the vote is audited', async () => {
    const { request, decided } = hold();
    const res = await f.post(
      `/api/approvals/${request.id}/decision`,
      { decision: 'approve', reason: 'ticket 42' },
      await bearer(f, USERS.approver),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: request.id,
      status: 'approved',
      votes: [{ approver: 'dan', decision: 'approve', reason: 'ticket 42' }],
    });
    await expect(decided).resolves.toMatchObject({ approved: true, approver: 'dan' } satisfies Partial<ReviewOutcome>);
    const votes = f.temp.store.listAudit({ type: 'approval.vote' });
    expect(votes.at(-1)).toMatchObject({ actor: 'dan', data: { requestId: request.id, decision: 'approve' } });
    // Decided already: a second decision conflicts.
    const again = await f.post(
      `/api/approvals/${request.id}/decision`,
      { decision: 'deny', reason: '' },
      await bearer(f, USERS.admin),
    );
    expect(again.status).toBe(409);
  });

  it('deny carries the reason back to the held statement', async () => {
    const { request, decided } = hold();
    const res = await f.post(
      `/api/approvals/${request.id}/decision`,
      { decision: 'deny', reason: 'not today' },
      await bearer(f, USERS.admin),
    );
    expect(res.status).toBe(200);
    await expect(decided).resolves.toMatchObject({
      approved: false,
      approver: 'ada',
      reason: 'not today',
      status: 'denied',
    });
    const history = (await (
      await f.get('/api/approvals?status=all', { headers: await bearer(f, USERS.admin) })
    ).json()) as {
      approvals: { id: string; status: string }[];
    };
    expect(history.approvals.find((a) => a.id === request.id)?.status).toBe('denied');
  });

  it('refuses self-approval (403), an auditor (403), unknown requests (404) and bad bodies (400)', async () => {
    // dan is an approver, and also the one whose statement is held.
    const { request } = hold('dan');
    const self = await f.post(
      `/api/approvals/${request.id}/decision`,
      { decision: 'approve', reason: '' },
      await bearer(f, USERS.approver),
    );
    expect(self.status).toBe(403);
    expect(((await self.json()) as { error: string }).error).toMatch(/own/);
    const auditor = await f.post(
      `/api/approvals/${request.id}/decision`,
      { decision: 'approve' },
      await bearer(f, USERS.auditor),
    );
    expect(auditor.status).toBe(403);
    expect(f.temp.store.getApproval(request.id)?.status).toBe('pending');
    const admin = await bearer(f, USERS.admin);
    expect((await f.post('/api/approvals/apr_nope/decision', { decision: 'approve' }, admin)).status).toBe(404);
    expect((await f.post(`/api/approvals/${request.id}/decision`, { decision: 'yes' }, admin)).status).toBe(400);
    expect((await f.post(`/api/approvals/${request.id}/decision`, { decision: 'deny', reason: 5 }, admin)).status).toBe(
      400,
    );
  });
});
