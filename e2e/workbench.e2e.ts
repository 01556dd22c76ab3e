import { describe, expect, test } from 'vitest';
import { openView, screenshot } from './support/browser';
import { eventually, useE2E } from './support/fixture';
import { rawPiiIn } from './support/pii';

// A person's own queries go through the gateway like an agent's: policy-checked, masked, recorded.
describe('workbench', () => {
  const e2e = useE2E();

  /** Replaces the editor's text (Monaco, once loaded) and runs it with the Run button. */
  async function run(sql: string) {
    const { page } = e2e;
    const editor = page.locator('.workbench-view .monaco-editor');
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(sql);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
  }

  test('the workbench runs a query through the gateway', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/workbench?connection=demo');
    await expect(page.getByRole('combobox', { name: 'Connection' }).inputValue()).resolves.toBe('demo');

    await run('SELECT count(*) FROM products');
    const result = page.getByRole('table', { name: 'Query result' });
    await result.waitFor();
    await eventually(() => result.locator('th').allTextContents()).toEqual(['#', 'count']);
    await eventually(() => result.locator('tbody td:not(.rownum)').allTextContents()).toEqual(['4']);
    await page.getByRole('link', { name: /^Recorded as session / }).waitFor();
  });

  test('workbench results are masked like an agent’s', async () => {
    const { page } = e2e;
    await run('SELECT id, name, email, phone, card_number FROM customers ORDER BY id');
    const result = page.getByRole('table', { name: 'Query result' });
    await result.locator('td', { hasText: 'Barbara Liskov' }).waitFor();
    expect(rawPiiIn(await page.content())).toEqual([]);
    await page.locator('.history-item', { hasText: 'count(*)' }).waitFor();
    await screenshot(page, 'workbench');
    // Masked cells are marked (and drawn as such): 6 customers × (email, phone, card_number).
    await eventually(() => result.locator('td[data-masked="true"]').count()).toBe(18);
  });
});
