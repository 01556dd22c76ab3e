/**
 * Time from an agent sending a statement that policy holds to its approval card being on screen in
 * an open IDE (real Chromium, `vigil serve --demo` in its own process). Baseline: the same agent's
 * round trip for a SELECT that is allowed, in the same run.
 */
import { connectAgent, sendQuery } from '../e2e/support/agent';
import { openBrowser, openView, signIn } from '../e2e/support/browser';
import { startVigil } from '../e2e/support/vigil-server';
import type { BenchResult } from './run';

export async function benchApprovalCard(): Promise<BenchResult[]> {
  const vigil = await startVigil();
  const session = await openBrowser();
  try {
    const { page } = session;
    await signIn(page, vigil.apiUrl);
    await openView(page, vigil.apiUrl, '#/approvals');
    const agent = await connectAgent(vigil);
    const roundTrips: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await agent.query('SELECT count(*) FROM products');
      roundTrips.push(performance.now() - t0);
    }
    const toCard: number[] = [];
    for (let i = 0; i < 15; i++) {
      const before = await page.locator('[data-approval-id]').count();
      const t0 = performance.now();
      const held = sendQuery(agent, `UPDATE products SET stock = stock WHERE id = ${(i % 4) + 1}`);
      await page.locator('[data-approval-id]').nth(before).waitFor({ state: 'visible', timeout: 10_000 });
      toCard.push(performance.now() - t0);
      const id = await page.locator('[data-approval-id]').nth(before).getAttribute('data-approval-id');
      await page.evaluate(async (approvalId) => {
        const me = (await (await fetch('/api/me')).json()) as { csrf: string };
        await fetch(`/api/approvals/${approvalId}/decision`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
          body: JSON.stringify({ decision: 'deny', reason: 'bench' }),
        });
      }, id);
      await held;
      await page
        .locator(`[data-approval-id="${id}"]`)
        .waitFor({ state: 'detached', timeout: 10_000 })
        .catch(() => {});
    }
    await agent.end();
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
    const rt = median(roundTrips);
    const card = median(toCard);
    return [
      { name: 'agent round trip, allowed SELECT (baseline)', value: rt, unit: 'ms median' },
      {
        name: 'held statement → approval card rendered in the IDE',
        value: card,
        unit: 'ms median',
        ratio: card / rt,
        against: 'allowed round trip',
        target: '< 100 ms',
      },
    ];
  } finally {
    await session.close();
    await vigil.stop();
  }
}
