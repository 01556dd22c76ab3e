import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectAgent } from './support/agent';
import { openView, screenshot } from './support/browser';
import { eventually, useE2E } from './support/fixture';
import { flipRecordingByte } from './support/packet-bytes';
import { REPO_ROOT } from './support/paths';
import { rawPiiIn } from './support/pii';
import { type StaticServer, serveStatic } from './support/static-server';

const QUERIES = [
  'SELECT id, status, total FROM orders ORDER BY id',
  'SELECT name, email, card_number FROM customers ORDER BY id',
  'SELECT phone, ssn, iban FROM customers ORDER BY id',
] as const;

const slider = (page: Page) => page.getByRole('slider', { name: 'Timeline' });
const cursor = async (page: Page) => Number(await slider(page).getAttribute('aria-valuenow'));
const checkRows = (page: Page) => page.locator('table[aria-label="Verification checks"] tbody tr');

interface ShownCheck {
  name: string;
  ok: string;
  result: string;
  detail: string;
}

/** The checks as the page shows them. */
const shownChecks = (page: Page): Promise<ShownCheck[]> =>
  checkRows(page).evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.getAttribute('data-check') ?? '',
      ok: row.getAttribute('data-ok') ?? '',
      result: row.querySelector('.check-result')?.textContent ?? '',
      detail: row.querySelector('.check-detail')?.textContent ?? '',
    })),
  );

// An auditor gets only packet.zip: the gateway that made it is gone, and the IDE is a copy of renderer/dist
// on a plain static file server. The packet is verified in the browser, its session replays frame by frame
// with the masked cells overlaid and no raw PII anywhere, and a single flipped bit is named precisely.
describe('an evidence packet opened in the IDE with no server', () => {
  const e2e = useE2E();
  let sessionId = '';
  let workDir = '';
  let packetPath = '';
  let gatewayKey = { fingerprint: '', publicKeyPem: '' };
  let ide: StaticServer | null = null;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'vigil-e2e-packet-'));
    const agent = await connectAgent(e2e.vigil);
    for (const sql of QUERIES) await agent.query(sql);
    await agent.end();

    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/sessions');
    const ended = page.locator('table[aria-label="Sessions"] tr[data-session-id]:has(.badge.status-ended)');
    await ended.waitFor();
    sessionId = (await ended.getAttribute('data-session-id')) ?? '';

    // Export evidence, from the session's own view, as a person would.
    await openView(page, vigil.apiUrl, `#/sessions/${sessionId}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export evidence', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^vigil-evidence-.+\.zip$/);
    packetPath = join(workDir, download.suggestedFilename());
    await download.saveAs(packetPath);
    await page.getByText(/^Evidence packet saved: vigil-evidence-.+\.zip \(/).waitFor();
    expect((await stat(packetPath)).size).toBeGreaterThan(1000);

    const keys = await page.request.get(`${vigil.apiUrl}/api/keys`);
    gatewayKey = (await keys.json()) as typeof gatewayKey;

    // No gateway from here on.
    await vigil.stop();
    await expect(fetch(`${vigil.apiUrl}/api/me`)).rejects.toThrow();
    ide = await serveStatic(join(REPO_ROOT, 'renderer/dist'));
  });

  afterAll(async () => {
    await ide?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  test('the IDE from a static server offers the packet without signing in, and verifies it', async () => {
    const { page } = e2e;
    if (!ide) throw new Error('no static server');
    await page.goto(`${ide.url}/`);
    await page.getByRole('heading', { name: 'Cannot reach the gateway' }).waitFor();
    await page.getByRole('link', { name: 'Open an evidence packet…' }).click();
    await page.waitForURL(/#\/packet$/);
    await page.getByText('Offline: packets are verified and replayed in this browser').waitFor();

    await page.locator('input[type="file"]').setInputFiles(packetPath);
    await page.locator('[data-verified="true"]').waitFor();
    const checks = await shownChecks(page);
    // zip, manifest, public key, signature, each file, extra files, the recording, the audit chain.
    expect(checks.length).toBeGreaterThanOrEqual(9);
    for (const { name, ok, result } of checks) expect([name, ok, result]).toEqual([name, 'true', '✓ verified']);
    const names = checks.map((c) => c.name);
    for (const name of ['zip', 'manifest', 'public key', 'signature', 'extra files', 'audit chain']) {
      expect(names).toContain(name);
    }
    expect(names).toContain(`file sessions/${sessionId}/recording.vrec`);
    expect(names).toContain(`recording ${sessionId}`);

    // The signer is the gateway's key; the manifest lists the session with its final chain hash.
    await expect(page.locator('[data-fingerprint]').getAttribute('data-fingerprint')).resolves.toBe(
      gatewayKey.fingerprint,
    );
    const row = page.locator(`table[aria-label="Packet sessions"] tr[data-session-id="${sessionId}"]`);
    await expect(row.locator('.final-hash code').textContent()).resolves.toMatch(/^[0-9a-f]{64}$/);
    await expect(row.locator('.hash-ok').textContent()).resolves.toBe('✓ chain verified');
    await expect(row.textContent()).resolves.toContain('agent-demo');
    expect(rawPiiIn(await page.content())).toEqual([]);
    await screenshot(page, 'offline-packet');
  });

  test('pinning the gateway key proves who signed it', async () => {
    const { page } = e2e;
    await page.getByRole('textbox', { name: 'Trusted public key (PEM)' }).fill(gatewayKey.publicKeyPem);
    await page.getByRole('button', { name: 'Verify with this key', exact: true }).click();
    await page.locator('[data-verified="true"]', { hasText: 'signed by the pinned key' }).waitFor();
    const publicKey = checkRows(page).and(page.locator('[data-check="public key"]'));
    await expect(publicKey.getAttribute('data-ok')).resolves.toBe('true');
    await expect(publicKey.locator('.check-detail').textContent()).resolves.toContain(
      `${gatewayKey.fingerprint} (pinned`,
    );
    await expect(page.locator('.badge', { hasText: /^pinned$/ }).count()).resolves.toBe(1);
  });

  test('the packet’s session replays frame by frame in the browser, masks overlaid, no raw PII', async () => {
    const { page } = e2e;
    if (!ide) throw new Error('no static server');
    const before = ide.requests.length;
    await page.getByRole('link', { name: `Replay session ${sessionId}` }).click();
    await page.waitForURL(new RegExp(`#/packet/sessions/${sessionId}`));
    await page.locator('.badge[data-verified="true"]', { hasText: 'packet verified' }).waitFor();
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    await eventually(() => slider(page).getAttribute('aria-valuemax').then(Number)).toBeGreaterThan(10);
    await eventually(() => cursor(page)).toBe(0);

    const stepForward = page.getByRole('button', { name: 'Step forward', exact: true });
    await stepForward.click();
    await eventually(() => cursor(page)).toBe(1);
    await page.getByRole('button', { name: 'Step back', exact: true }).click();
    await eventually(() => cursor(page)).toBe(0);
    // Every frame has its own link, under the packet's route.
    await page.keyboard.press('.');
    await eventually(() => new URL(page.url()).hash).toBe(`#/packet/sessions/${sessionId}?frame=1`);

    const nextCommand = page.getByRole('button', { name: 'Next command', exact: true });
    for (let i = 0; i < QUERIES.length; i += 1) {
      const at = await cursor(page);
      await nextCommand.click();
      await eventually(() => cursor(page)).toBeGreaterThan(at);
      await eventually(() => page.locator('article.statement').count()).toBe(i + 1);
    }
    // The statement under the cursor is decoded in the browser: its Query message in the inspector.
    await page.locator('.inspector .message-type', { hasText: /^Query$/ }).waitFor();

    // To the end: every result, with the gateway's masks drawn over the recorded (already masked) cells.
    await slider(page).press('End');
    await eventually(() => cursor(page)).toBe(Number(await slider(page).getAttribute('aria-valuemax')));
    const cards = page.locator('article.statement', { has: page.locator('th', { hasText: 'card_number' }) });
    await eventually(() => cards.locator('td[data-masked="true"]').count()).toBe(12);
    const third = page.locator('article.statement', { has: page.locator('th', { hasText: 'iban' }) });
    await eventually(() => third.locator('td[data-masked="true"]').count()).toBe(18);
    for (const rule of await cards
      .locator('td[data-masked="true"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-rule')))) {
      expect(rule).toMatch(/customers\.(email|card_number)/);
    }
    await expect(page.locator('article.statement[data-status="done"]').count()).resolves.toBe(QUERIES.length);
    await page.locator('.monaco-editor').first().waitFor();
    expect(rawPiiIn(await page.content())).toEqual([]);
    await screenshot(page, 'offline-replay');

    // Nothing but the IDE's own files was asked of the server while replaying.
    const asked = ide.requests.slice(before);
    expect(asked.filter((path) => !path.startsWith('/assets/'))).toEqual([]);
  });

  test('one flipped bit in the packet is named: the file, the recording chunk, and the replay stops there', async () => {
    const { page } = e2e;
    const tampered = join(workDir, 'tampered.zip');
    const { chunk } = await flipRecordingByte(packetPath, sessionId, tampered);
    await page.getByRole('link', { name: 'Back to packet' }).click();
    await page.waitForURL(/#\/packet$/);
    await page.locator('input[type="file"]').setInputFiles(tampered);
    await page.locator('[data-verified="false"]').waitFor();
    const checks = await shownChecks(page);
    const failed = checks.filter((c) => c.ok === 'false');
    const byName = new Map(checks.map((c) => [c.name, { ok: c.ok, detail: c.detail }]));
    expect(byName.get(`file sessions/${sessionId}/recording.vrec`)).toEqual({
      ok: 'false',
      detail: expect.stringMatching(/^SHA-256 [0-9a-f]{64} ≠ manifest [0-9a-f]{64}: content changed$/),
    });
    expect(failed.map((c) => c.name)).toContain(`recording ${sessionId}`);
    expect(failed.some((c) => c.name.startsWith(`recording ${sessionId} `) && /chunk/.test(c.detail))).toBe(true);
    for (const { name, ok, result } of failed) expect([name, ok, result]).toEqual([name, 'false', '✗ failed']);
    // Everything else still holds: the failure is exactly where the bit changed.
    for (const name of ['zip', 'manifest', 'signature', 'extra files', 'audit chain']) {
      expect(byName.get(name)?.ok).toBe('true');
    }
    await expect(page.locator('[data-verified="false"]').textContent()).resolves.toMatch(
      new RegExp(`Not verified: ${failed.length} of ${checks.length} checks failed`),
    );

    // The replay says so, and stops at the altered chunk with the reason.
    await page.getByRole('link', { name: `Replay session ${sessionId}` }).click();
    await page.getByText(/did not pass verification/).waitFor();
    await page
      .getByRole('alert')
      .filter({ hasText: new RegExp(`Frames could not be loaded: chunk ${chunk} at offset \\d+: hash mismatch`) })
      .waitFor();
    expect(rawPiiIn(await page.content())).toEqual([]);
  });
});
