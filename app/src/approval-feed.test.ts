import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../proxy-core/src/logger';
import { type ApprovalFeed, followApprovals } from './approval-feed';
import type { PendingUpdate } from './pending-approvals';
import { DEMO_APPROVER, type HostedDemo, startHostedDemo } from './testing/hosted-demo';

let demo: HostedDemo;
beforeAll(async () => {
  demo = await startHostedDemo();
}, 120_000);
afterAll(async () => {
  await demo?.close();
});

async function until<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('followApprovals on the hosted demo', () => {
  let feed: ApprovalFeed | undefined;
  afterAll(() => feed?.stop());

  it('badges and notifies a statement held for approval, and clears it once decided', async () => {
    const updates: PendingUpdate[] = [];
    feed = followApprovals(demo.hosted.gateway, (u) => updates.push(u), { logger: silentLogger, resyncMs: 60_000 });
    expect(updates).toEqual([{ count: 0, countChanged: false, notify: [] }]);

    const agent = await demo.agent();
    const insert = agent.query(`UPDATE products SET stock = stock - 1 WHERE sku = 'KB-001'`);
    const held = await until(() => updates.find((u) => u.notify.length > 0));
    expect(held.count).toBe(1);
    expect(held.notify).toEqual([
      {
        id: expect.stringMatching(/^apr_/),
        title: 'Approval requested',
        body: `agent-demo on demo: UPDATE products SET stock = stock - 1 WHERE sku = 'KB-001'`,
      },
    ]);
    expect(feed.count).toBe(1);

    demo.hosted.gateway.broker.decide(held.notify[0]?.id ?? '', DEMO_APPROVER, 'approve', 'restock later');
    await insert;
    expect(updates.at(-1)).toEqual({ count: 0, countChanged: true, notify: [] });
    expect(feed.count).toBe(0);
  }, 30_000);

  it('starts from the pending listing without notifying, and re-lists to catch other gateways', async () => {
    const gateway = demo.hosted.gateway;
    const agent = await demo.agent();
    const held = agent.query(`DELETE FROM order_items WHERE order_id = 5`).catch((err: Error) => err);
    const first = await until(() => gateway.store.listApprovals({ status: 'pending' })[0]);

    const updates: PendingUpdate[] = [];
    const late = followApprovals(gateway, (u) => updates.push(u), { logger: silentLogger, resyncMs: 50 });
    try {
      expect(updates).toEqual([{ count: 1, countChanged: true, notify: [] }]);
      // A request written to the shared store by another gateway: no event here, the re-listing finds it.
      gateway.store.createApproval({
        id: 'apr_other_gateway',
        sessionId: first.sessionId,
        principal: 'agent-elsewhere',
        connection: 'demo',
        statement: 'DELETE FROM customers',
        actions: [],
        rule: 'demo#2',
        requiredCount: 1,
        approverGroups: ['dba'],
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      });
      const found = await until(() => updates.find((u) => u.notify.some((n) => n.id === 'apr_other_gateway')));
      expect(found.count).toBe(2);
      gateway.broker.decide(first.id, DEMO_APPROVER, 'deny', 'not today');
      expect(await held).toMatchObject({ code: '42501' });
      expect(updates.at(-1)?.count).toBe(1);
    } finally {
      late.stop();
    }
  }, 30_000);
});
