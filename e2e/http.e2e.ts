import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { type ApiUpstream, startApiUpstream, UPSTREAM_TOKEN } from './support/api-upstream';
import { openView, screenshot } from './support/browser';
import { useConfiguredE2E } from './support/config-fixture';
import { eventually } from './support/fixture';

const exchanges = (page: Page) => page.getByRole('table', { name: 'HTTP exchanges' });
/** Method, path and status of each listed exchange. */
const listed = (page: Page) =>
  exchanges(page)
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        Array.from(row.querySelectorAll('td'))
          .slice(1, 4)
          .map((cell) => cell.textContent?.trim() ?? '')
          .join(' '),
      ),
    );

// An agent calls a REST API through the HTTP connector with curl; the session replays as its exchanges.
describe('http session', () => {
  let upstream: ApiUpstream | undefined;
  const e2e = useConfiguredE2E(
    async () => {
      upstream = await startApiUpstream();
      return {
        connections: [
          {
            name: 'billing-api',
            type: 'http',
            upstream: { url: upstream.url, auth: { bearerEnv: 'BILLING_TOKEN' } },
            masking: { jsonPaths: ['$.invoices[*].customer.email'], style: 'partial' },
            policy: 'api',
          },
        ],
        policies: [
          {
            name: 'api',
            rules: [
              { match: { methods: ['DELETE'] }, action: 'deny' },
              { match: { methods: ['GET', 'HEAD', 'POST'] }, action: 'allow' },
            ],
          },
        ],
        env: { BILLING_TOKEN: UPSTREAM_TOKEN },
      };
    },
    async () => upstream?.close(),
  );
  let statuses: string[] = [];

  beforeAll(async () => {
    const token = await e2e.vigil.token('agent-e2e', ['ai-agents']);
    const base = `http://${e2e.vigil.http}/c/billing-api`;
    const common = ['-sS', '-o', '/dev/null', '-w', '%{http_code}\\n', '-H', `Authorization: Bearer ${token}`];
    // One curl, one keep-alive connection: one recorded session with three exchanges.
    const { stdout } = await promisify(execFile)('curl', [
      ...common,
      `${base}/v2/invoices?limit=10`,
      '--next',
      ...common,
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      '--data',
      '{"total":7.5,"customer":{"name":"Grace Hopper"}}',
      `${base}/v2/invoices`,
      '--next',
      ...common,
      '-X',
      'DELETE',
      `${base}/v2/invoices/1`,
    ]);
    statuses = stdout.trim().split('\n');
  });

  test('curl gets answers through the connector; policy denies the DELETE before the upstream', () => {
    expect(statuses).toEqual(['200', '201', '403']);
    expect(upstream?.seen).toEqual(['GET /v2/invoices?limit=10', 'POST /v2/invoices']);
  });

  test('the HTTP session replays as a list of exchanges with headers and bodies', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/sessions?connection=billing-api');
    const row = page.locator('table[aria-label="Sessions"] tr[data-session-id]:has(.badge.status-ended)');
    await row.waitFor();
    const id = (await row.getAttribute('data-session-id')) ?? '';
    await openView(page, vigil.apiUrl, `#/sessions/${id}`);
    await exchanges(page).waitFor();
    await page.locator('body').press('End');
    await eventually(() => listed(page)).toEqual([
      'GET /v2/invoices?limit=10 200',
      'POST /v2/invoices 201',
      'DELETE /v2/invoices/1 403',
    ]);
    await expect(exchanges(page).locator('tbody tr').last().textContent()).resolves.toMatch(/denied/);

    await exchanges(page).getByRole('button', { name: '/v2/invoices?limit=10' }).click();
    const response = page.getByRole('region', { name: 'Response' });
    await response.getByText('HTTP/1.1 200 OK').waitFor();
    // The agent's token is never recorded; masked JSON values are marked as masked.
    const request = page.getByRole('region', { name: 'Request' });
    await expect(request.locator('mark.http-masked').first().textContent()).resolves.toBe('[redacted]');
    await eventually(() => response.locator('mark.http-masked').count()).toBe(2);
    const content = await page.content();
    expect(content).not.toContain('ada@analytical.example');
    expect(content).not.toContain(UPSTREAM_TOKEN);
    await response.locator('mark.http-masked').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'http-session');
  });
});
