import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type BrowserSession, openBrowser, signIn } from './browser';
import { type ConfiguredVigil, type ConfiguredVigilOptions, startConfiguredVigil } from './vigil-config-server';

export interface ConfiguredE2E {
  vigil: ConfiguredVigil;
  browser: BrowserSession;
  /** The IDE, signed in through the development issuer's one-click page (config mode offers it as --demo does). */
  page: Page;
  pageErrors: string[];
}

/**
 * One gateway started from a vigil.yaml (`auth.issuer: dev`) and one signed-in Chromium per test file. `setup`
 * starts the test's own peers (a target, an upstream) first and says how the gateway reaches them; `teardown`
 * stops them after the gateway.
 */
export function useConfiguredE2E(
  setup: () => Promise<ConfiguredVigilOptions>,
  teardown: () => Promise<void> = async () => {},
): ConfiguredE2E {
  const e2e = { pageErrors: [] } as unknown as ConfiguredE2E;
  beforeAll(async () => {
    const options = await setup();
    const [vigil, browser] = await Promise.allSettled([startConfiguredVigil(options), openBrowser()]);
    if (vigil.status === 'fulfilled') e2e.vigil = vigil.value;
    if (browser.status === 'fulfilled') Object.assign(e2e, { browser: browser.value, page: browser.value.page });
    if (vigil.status === 'rejected') throw vigil.reason;
    if (browser.status === 'rejected') throw browser.reason;
    e2e.page.on('pageerror', (error) => e2e.pageErrors.push(`pageerror: ${error.stack ?? error.message}`));
    e2e.page.on('console', (message) => {
      if (message.type() === 'error') e2e.pageErrors.push(`console.error: ${message.text()}`);
    });
    await signIn(e2e.page, e2e.vigil.apiUrl);
    e2e.pageErrors.length = 0; // the 401 of GET /api/me before signing in is expected
  });
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail' || !e2e.page) return;
    const path = join(tmpdir(), `vigil-e2e-failure-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await e2e.page.screenshot({ path }).catch(() => undefined);
    console.log(`e2e failure: screenshot ${path}; page at ${e2e.page.url()}`);
    if (e2e.pageErrors.length > 0) console.log(`page errors:\n${e2e.pageErrors.join('\n')}`);
    console.log(`gateway log (tail):\n${e2e.vigil?.logs().slice(-3000)}`);
  });
  afterAll(async () => {
    await Promise.allSettled([e2e.browser?.close(), e2e.vigil?.stop()]);
    await teardown();
  });
  return e2e;
}
