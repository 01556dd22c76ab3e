import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { SCREENSHOTS_DIR } from './paths';

export const VIEWPORT = { width: 1440, height: 900 } as const;

/** Debian's Chromium: Playwright downloads no browser here (`npx playwright install` fails). */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const CLOSE_TIMEOUT_MS = 10_000;

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  pid: number;
  close(): Promise<void>;
}

/**
 * A fresh Chromium (Playwright gives each launch its own temporary user-data dir) with one 1440×900 page.
 * Launched as a server so the test owns the PID and can kill it if closing hangs.
 */
export async function openBrowser(): Promise<BrowserSession> {
  const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const pid = server.process().pid;
  if (pid === undefined) throw new Error('Chromium did not start');
  try {
    const browser = await chromium.connect(server.wsEndpoint());
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme: 'dark' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    return {
      browser,
      context,
      page,
      pid,
      close: async () => {
        const closed = Promise.allSettled([browser.close(), server.close()]);
        const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), CLOSE_TIMEOUT_MS).unref());
        if ((await Promise.race([closed, timer])) === 'timeout') killQuietly(pid);
      },
    };
  } catch (error) {
    killQuietly(pid);
    throw error;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone: nothing to stop.
  }
}

/** The IDE's sign-in as a person would do it: the "Sign in" link, then the demo issuer's one-click button. */
export async function signIn(page: Page, apiUrl: string): Promise<void> {
  await page.goto(`${apiUrl}/#/sessions`);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(/\/auth\/login/);
  const [answer] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === '/auth/demo-login'),
    page.getByRole('button', { name: /^Sign in as / }).click(),
  ]);
  if (answer.status() !== 303) {
    // The refusal page says why; the Origin the browser sent is the usual suspect.
    const origin = await answer.request().headerValue('origin');
    const html = (await answer.text()).replace(/<(style|title)[^>]*>[\s\S]*?<\/\1>/g, '');
    const text = html
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    throw new Error(
      `demo sign-in refused: POST /auth/demo-login (Origin: ${origin}) answered ${answer.status()}: ${text}`,
    );
  }
  // Back in the IDE, signed in: the activity bar is there and the live socket is open.
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  await page.getByText('Live updates').waitFor();
}

/** Goes to a view of the IDE by its hash route (same document: the signed-in app and its socket stay). */
export async function openView(page: Page, apiUrl: string, hash: string): Promise<void> {
  await page.goto(`${apiUrl}/${hash}`);
}

/** A 1440×900 PNG of what is on screen, under e2e/screenshots/ (committed; the README shows the best). */
export async function screenshot(page: Page, name: string): Promise<void> {
  // Hover states, the caret and passing toasts are noise in a picture.
  await page.mouse.move(0, VIEWPORT.height - 1);
  await page.screenshot({
    path: join(SCREENSHOTS_DIR, `${name}.png`),
    animations: 'disabled',
    caret: 'hide',
    style: '.toasts { display: none !important; }',
  });
}
