import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { connectAgent } from './support/agent';
import { openView, screenshot } from './support/browser';
import { eventually, useE2E } from './support/fixture';
import { rawPiiIn } from './support/pii';

const QUERIES = [
  'SELECT id, status, total FROM orders ORDER BY id',
  'SELECT name, email, card_number FROM customers ORDER BY id',
  'SELECT phone, ssn, iban FROM customers ORDER BY id',
  'SELECT product_id, quantity FROM order_items WHERE order_id = 1',
] as const;

const slider = (page: Page) => page.getByRole('slider', { name: 'Timeline' });
const cursor = async (page: Page) => Number(await slider(page).getAttribute('aria-valuenow'));
const hashFrame = (page: Page) => new URL(page.url()).hash.match(/[?&]frame=(\d+)/)?.[1];
const currentStatementFrame = async (page: Page) =>
  Number(await page.locator('article.statement.current').getAttribute('data-frame'));

// A finished session, found by what it ran and replayed frame by frame, with the gateway's masking drawn over
// the result cells and the raw PII nowhere in the page.
describe('replay and search', () => {
  const e2e = useE2E();
  let finishedId = '';
  let liveId = '';

  beforeAll(async () => {
    // The session to replay: reads only, some of them of PII columns; then the agent disconnects.
    const reader = await connectAgent(e2e.vigil);
    for (const sql of QUERIES) await reader.query(sql);
    await reader.end();
    // A second agent stays connected and has a DDL statement refused.
    const other = await connectAgent(e2e.vigil);
    e2e.agents.push(other);
    await other.query('SELECT count(*) FROM products');
    await expect(other.query('CREATE TABLE e2e_scratch (id integer)')).rejects.toMatchObject({ code: '42501' });

    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/sessions');
    const ended = page.locator('table[aria-label="Sessions"] tr[data-session-id]:has(.badge.status-ended)');
    const live = page.locator('table[aria-label="Sessions"] tr[data-session-id]:has(.badge.live)');
    await ended.waitFor();
    await live.waitFor();
    finishedId = (await ended.getAttribute('data-session-id')) ?? '';
    liveId = (await live.getAttribute('data-session-id')) ?? '';
  });

  test('a finished session replays frame by frame and command by command', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, `#/sessions/${finishedId}`);
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    await eventually(() => slider(page).getAttribute('aria-valuemax').then(Number)).toBeGreaterThan(20);
    await eventually(() => cursor(page)).toBe(0);
    // A finished session has no live controls.
    await expect(page.getByRole('button', { name: 'Terminate', exact: true }).count()).resolves.toBe(0);

    const stepForward = page.getByRole('button', { name: 'Step forward', exact: true });
    await stepForward.click();
    await eventually(() => cursor(page)).toBe(1);
    await stepForward.click();
    await eventually(() => cursor(page)).toBe(2);
    await page.getByRole('button', { name: 'Step back', exact: true }).click();
    await eventually(() => cursor(page)).toBe(1);
    // Every frame has its own link.
    await eventually(() => hashFrame(page)).toBe('1');
    // The player keys: '.' and ',' step one frame.
    await page.keyboard.press('.');
    await eventually(() => cursor(page)).toBe(2);
    await page.keyboard.press(',');
    await eventually(() => cursor(page)).toBe(1);

    // Next command lands on each statement in turn; the console marks it as the current one.
    const nextCommand = page.getByRole('button', { name: 'Next command', exact: true });
    const statementFrames: number[] = [];
    for (let i = 0; i < QUERIES.length; i += 1) {
      const before = await cursor(page);
      await nextCommand.click();
      await eventually(() => cursor(page)).toBeGreaterThan(before);
      const at = await cursor(page);
      await eventually(() => currentStatementFrame(page)).toBe(at);
      statementFrames.push(at);
      await eventually(() => page.locator('article.statement').count()).toBe(i + 1);
    }
    await expect(nextCommand.isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Previous command', exact: true }).click();
    await eventually(() => cursor(page)).toBe(statementFrames[2]);
    await eventually(() => hashFrame(page)).toBe(String(statementFrames[2]));
    const decisions = await page
      .locator('article.statement [data-decision]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-decision')));
    // The current statement's decision is recorded in a frame after its query: not shown yet at this frame.
    expect(decisions).toEqual(['allow', 'allow']);
    await page.locator('article.statement.current', { hasText: 'no decision yet' }).waitFor();
  });

  test('masked cells are overlaid and the raw PII is nowhere in the page', async () => {
    const { page, vigil } = e2e;
    // At the third statement the second one (name, email, card_number) has all its rows.
    const cards = page.locator('article.statement', { has: page.locator('th', { hasText: 'card_number' }) });
    await cards.waitFor();
    const masked = cards.locator('td[data-masked="true"]');
    await eventually(() => masked.count()).toBe(12); // 6 customers × (email, card_number)
    for (const rule of await masked.evaluateAll((els) => els.map((el) => el.getAttribute('data-rule')))) {
      expect(rule).toMatch(/customers\.(email|card_number)/);
    }
    await expect(masked.first().getAttribute('title')).resolves.toMatch(/^Masked by rule /);
    // Names are not PII in the demo policy: shown as they are, not marked.
    await expect(cards.locator('td:not([data-masked])', { hasText: 'Ada Lovelace' }).count()).resolves.toBe(1);
    await page.locator('.monaco-editor').first().waitFor();
    expect(rawPiiIn(await page.content())).toEqual([]);
    await screenshot(page, 'replay');

    // To the end of the recording: the phone / SSN / IBAN result is masked too.
    await slider(page).press('End');
    await eventually(() => cursor(page)).toBe(Number(await slider(page).getAttribute('aria-valuemax')));
    const third = page.locator('article.statement', { has: page.locator('th', { hasText: 'iban' }) });
    await eventually(() => third.locator('td[data-masked="true"]').count()).toBe(18);
    expect(rawPiiIn(await page.content())).toEqual([]);

    // What the IDE loads is what the gateway recorded after masking.
    const frames = await page.request.get(`${vigil.apiUrl}/api/sessions/${finishedId}/frames?from=0&limit=1000`);
    expect(frames.status()).toBe(200);
    expect(rawPiiIn(await frames.text())).toEqual([]);
  });

  test('search finds a session by a word of its commands', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/sessions');
    const rows = page.locator('table[aria-label="Sessions"] tbody tr[data-session-id]');
    await eventually(() => rows.count()).toBe(2);
    await screenshot(page, 'sessions');

    const ids = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-session-id')));
    const search = page.getByRole('searchbox', { name: 'Search commands' });
    await search.fill('order_items');
    await page.waitForURL(/q=order_items/);
    await eventually(ids).toEqual([finishedId]);

    // Refused commands are searchable too.
    await search.fill('e2e_scratch');
    await page.waitForURL(/q=e2e_scratch/);
    await eventually(ids).toEqual([liveId]);

    await search.fill('no_such_table_anywhere');
    await page.getByText('No sessions match these filters.').waitFor();
    await expect(rows.count()).resolves.toBe(0);
  });
});
