import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type BrowserSession, openBrowser, signIn } from './browser';
import { startVigil, type VigilServer } from './vigil-server';

/** What the fixture needs of a started gateway, whichever way it was started. */
export interface RunningGateway {
  apiUrl: string;
  logs(): string;
  stop(): Promise<void>;
}

export interface GatewayE2E<G extends RunningGateway> {
  vigil: G;
  browser: BrowserSession;
  /** The signed-in IDE page. */
  page: Page;
  /** Uncaught errors and console errors of the IDE page, reported with a failed test. */
  pageErrors: string[];
  /** Agents connected by the tests: ended (if still open) before the gateway stops. */
  agents: pg.Client[];
}

export type E2E = GatewayE2E<VigilServer>;

/**
 * One gateway and one signed-in Chromium per test file, started before its tests and stopped by PID
 * after them; a failed test leaves a picture of the page (outside the repository) and the gateway's log.
 */
export function useGatewayE2E<G extends RunningGateway>(
  start: () => Promise<G>,
  teardown: () => Promise<void> = async () => {},
): GatewayE2E<G> {
  const e2e = { agents: [], pageErrors: [] } as unknown as GatewayE2E<G>;
  beforeAll(async () => {
    const [vigil, browser] = await Promise.allSettled([start(), openBrowser()]);
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
    await Promise.allSettled(e2e.agents.map((agent) => agent.end()));
    await Promise.allSettled([e2e.browser?.close(), e2e.vigil?.stop()]);
    await teardown();
  });
  return e2e;
}

/** `vigil serve --demo` (its own data dir and ports) with a signed-in Chromium. */
export function useE2E(): E2E {
  return useGatewayE2E(startVigil);
}

/** Polls until the value passes (event-driven waiting; never a fixed sleep). */
export function eventually<T>(fn: () => T | Promise<T>, timeout = 15_000) {
  return expect.poll(fn, { timeout, interval: 50 });
}
