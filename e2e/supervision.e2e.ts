import type pg from 'pg';
import { describe, expect, test } from 'vitest';
import { serializeSync } from '../proxy-core/src/protocols/postgres/codec';
import { bind, execute, parse } from '../proxy-core/src/protocols/postgres/codec/testing/frontend-messages';
import { openWireSession } from '../proxy-core/src/protocols/postgres/codec/testing/wire-session';
import { connectAgent, type Outcome, outcomeWithin, sendQuery } from './support/agent';
import { openView, screenshot } from './support/browser';
import { eventually, useE2E } from './support/fixture';
import { rawPiiIn } from './support/pii';

// An agent works while a person supervises it in the IDE: the session shows up live, its writes wait for a
// click, and the click's outcome (approve, deny with a reason) is what the agent gets back; the audit log
// records it all in an intact hash chain.
describe('live supervision', () => {
  const e2e = useE2E();
  let agent: pg.Client;
  let sessionId = '';

  const sessionRows = () => e2e.page.locator('table[aria-label="Sessions"] tbody tr[data-session-id]');
  const decided = new Set<string>();
  /** The pending approval card of a request not seen before (an earlier failed test may leave one behind). */
  const newPendingCard = async () => {
    const cards = e2e.page.locator('article.approval-card.status-pending');
    await eventually(async () => {
      const ids = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-approval-id')));
      return ids.some((id) => id && !decided.has(id));
    }).toBe(true);
    const ids = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-approval-id')));
    const id = ids.find((i) => i && !decided.has(i)) ?? '';
    decided.add(id);
    return { id, card: e2e.page.locator(`article.approval-card[data-approval-id="${id}"]`) };
  };

  /** Tracks whether a held query settled, so a test can show it is still waiting before the click. */
  const track = (outcome: Promise<Outcome>) => {
    const state = { settled: false, outcome };
    void outcome.then(() => {
      state.settled = true;
    });
    return state;
  };

  test('an agent session appears in the sessions list, live, without a reload', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/sessions');
    await page.getByText('No sessions match these filters.').waitFor();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => Object.assign(window, { e2eNoReload: true }));

    agent = await connectAgent(vigil);
    e2e.agents.push(agent);
    const orders = await agent.query('SELECT id, status, total FROM orders ORDER BY id');
    expect(orders.rowCount).toBe(5);
    await agent.query('SELECT product_id, quantity FROM order_items WHERE order_id = 1');

    const row = sessionRows().first();
    await row.waitFor();
    await eventually(() => sessionRows().count()).toBe(1);
    await expect(row.locator('.col-status .badge.live').textContent()).resolves.toContain('LIVE');
    await expect(row.locator('.col-principal').textContent()).resolves.toBe('agent-demo');
    await expect(row.locator('.col-connection').textContent()).resolves.toBe('demo');
    sessionId = (await row.getAttribute('data-session-id')) ?? '';
    expect(sessionId).not.toBe('');
    expect(await page.evaluate(() => (window as { e2eNoReload?: boolean }).e2eNoReload)).toBe(true);
  });

  test('a held UPDATE shows an approval card; Approve completes the agent query', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, `#/sessions/${sessionId}`);
    // The live view of a running session: the operator's controls.
    for (const name of ['Terminate', 'Step mode', 'Add note']) {
      await page.getByRole('button', { name, exact: true }).waitFor();
    }
    // The operator sees what happened so far before the agent goes on.
    await eventually(() => page.locator('article.statement[data-status="done"]').count()).toBe(2);

    const update = track(sendQuery(agent, "UPDATE orders SET status = 'shipped' WHERE id = 2"));
    const { id: approvalId, card } = await newPendingCard();
    await expect(card.getAttribute('data-session-id')).resolves.toBe(sessionId);
    await card.getByRole('button', { name: 'Approve', exact: true }).waitFor();
    await card.getByRole('button', { name: 'Deny', exact: true }).waitFor();
    await card.getByRole('textbox', { name: 'Reason', exact: true }).waitFor();
    await page.locator('article.statement[data-status="held"]').waitFor();
    await page.locator('.monaco-editor').first().waitFor(); // the held statement, highlighted
    await screenshot(page, 'live-session');

    // The same request waits in the approvers' inbox.
    await openView(page, vigil.apiUrl, '#/approvals');
    await page.locator(`article.approval-card[data-approval-id="${approvalId}"]`).waitFor();
    expect(update.settled).toBe(false);

    await openView(page, vigil.apiUrl, `#/sessions/${sessionId}`);
    const liveCard = page.locator(`article.approval-card[data-approval-id="${approvalId}"]`);
    await liveCard.getByRole('button', { name: 'Approve', exact: true }).click();

    const outcome = await outcomeWithin(update.outcome);
    expect(outcome.ok ? outcome.result.rowCount : outcome.error).toBe(1);
    await liveCard.waitFor({ state: 'detached' });
    await eventually(() => page.locator('article.statement[data-status="held"]').count()).toBe(0);
  });

  test('Deny with a reason returns 42501 and the reason to the agent', async () => {
    const { page, vigil } = e2e;
    const reason = 'orders are frozen during the e2e run';
    await openView(page, vigil.apiUrl, '#/approvals');
    // With parameters (the extended protocol): the card shows their values beside the statement.
    const update = track(sendQuery(agent, 'UPDATE orders SET status = $1 WHERE id = $2', ['cancelled', 4]));
    const { card } = await newPendingCard();
    await expect(card.getAttribute('data-session-id')).resolves.toBe(sessionId);
    await expect(card.locator('.approval-parameters dt').allTextContents()).resolves.toEqual(['$1', '$2']);
    await expect(card.locator('.approval-parameters dd').allTextContents()).resolves.toEqual(['cancelled', '4']);
    await page.locator('.monaco-editor').first().waitFor();
    await screenshot(page, 'approvals');

    await card.getByRole('textbox', { name: 'Reason', exact: true }).fill(reason);
    expect(update.settled).toBe(false);
    await card.getByRole('button', { name: 'Deny', exact: true }).click();

    const outcome = await outcomeWithin(update.outcome);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('42501');
    expect(outcome.error.message).toContain(reason);
    await card.waitFor({ state: 'detached' });

    // The session goes on after a denial.
    const after = await agent.query('SELECT status FROM orders WHERE id = 4');
    expect(after.rows).toEqual([{ status: 'new' }]);
  });

  test('a batch of runs the agent sent at once is one card, with the values of each run', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/approvals');
    // What a JDBC executeBatch sends: one Parse, a Bind and Execute per row, one Sync.
    const wire = await openWireSession({
      host: vigil.pgHost,
      port: vigil.pgPort,
      user: 'agent-demo',
      database: 'demo',
      token: vigil.agentToken,
    });
    const sql = 'UPDATE orders SET status = $1 WHERE id = $2';
    wire.send(
      parse('', sql),
      ...[3, 5].flatMap((id) => [bind('', '', ['on hold', String(id)]), execute()]),
      serializeSync(),
    );
    const { card } = await newPendingCard();
    const runs = card.locator('.approval-runs');
    await expect(runs.locator('strong').textContent()).resolves.toBe('2 runs');
    await expect(runs.locator('thead th').allTextContents()).resolves.toEqual(['#', '$1', '$2']);
    await expect(runs.locator('tbody tr').allInnerTexts()).resolves.toEqual(['1\ton hold\t3', '2\ton hold\t5']);
    await screenshot(page, 'approval-runs');
    await card.getByRole('button', { name: 'Deny', exact: true }).click();
    await wire.readyCount(1);
    expect(wire.text()).toContain('not approved');
    wire.close();
    // Nothing of the batch ran (checked on a connection of its own: the agent's session keeps its counters).
    const checker = await connectAgent(vigil);
    e2e.agents.push(checker);
    const after = await checker.query('SELECT count(*)::int AS n FROM orders WHERE status = $1', ['on hold']);
    expect(after.rows).toEqual([{ n: 0 }]);
    await checker.end();
  });

  test("another agent's statements while one is held do not touch it (the demo's PGlite serves both on one backend)", async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/approvals');
    const [held, other] = [await connectAgent(vigil), await connectAgent(vigil)];
    e2e.agents.push(held, other);
    const update = track(sendQuery(held, 'UPDATE orders SET status = $1 WHERE id = $2', ['packed', 5]));
    const { card } = await newPendingCard();
    await expect(card.locator('.approval-parameters dd').allTextContents()).resolves.toEqual(['packed', '5']);
    // Meanwhile the other agent prepares and runs statements of its own, unnamed ones included.
    expect((await other.query('SELECT count(*)::int AS n FROM orders WHERE id > $1', [0])).rows).toEqual([{ n: 5 }]);
    expect(
      (await other.query({ name: 'by-id', text: 'SELECT id FROM orders WHERE id = $1', values: [3] })).rows,
    ).toEqual([{ id: 3 }]);
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    const outcome = await outcomeWithin(update.outcome);
    expect(outcome.ok ? outcome.result.rowCount : outcome.error).toBe(1);
    expect((await other.query('SELECT status FROM orders WHERE id = 5')).rows).toEqual([{ status: 'packed' }]);
    await Promise.all([held.end(), other.end()]);
  });

  test('the live session view shows both decisions, and the session ends live when the agent disconnects', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, `#/sessions/${sessionId}`);
    await page.locator('article.statement[data-status="denied"]').waitFor();
    await eventually(() => page.locator('article.statement[data-status="done"]').count()).toBeGreaterThanOrEqual(3);

    await openView(page, vigil.apiUrl, '#/sessions');
    const row = page.locator(`tr[data-session-id="${sessionId}"]`);
    await row.locator('.badge.live').waitFor();
    await agent.end();
    await row.locator('.badge.status-ended').waitFor();
    // The ended session's counters: five commands, two of them held for approval.
    await expect(row.locator('.col-commands').textContent()).resolves.toBe('5');
    await expect(row.locator('.col-approvals').textContent()).resolves.toBe('2');
  });

  test('the audit view shows the hash chain verified', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/audit');
    await page.locator('[data-chain="ok"]').waitFor();
    await expect(page.locator('[data-chain="broken"]').count()).resolves.toBe(0);
    const types = page.locator('table[aria-label="Audit events"] .event-type');
    // The sign-in, the agent's session and the decisions on its held statements are all in the log.
    await eventually(() => types.allTextContents()).toEqual(
      expect.arrayContaining(['auth.login', expect.stringMatching(/^session\.start/), 'approval.decided']),
    );
    expect(rawPiiIn(await page.content())).toEqual([]);
    await screenshot(page, 'audit');
  });
});
