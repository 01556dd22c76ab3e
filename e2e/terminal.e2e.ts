import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { startSshd, type TestSshd } from '../proxy-core/test/support/openssh-server';
import { openView, screenshot } from './support/browser';
import { useConfiguredE2E } from './support/config-fixture';
import { eventually } from './support/fixture';

/** The text xterm.js shows in the terminal under `scope` (its DOM renderer: one element per row). */
const screenText = (page: Page, scope: string) =>
  page
    .locator(`${scope} .xterm-rows > div`)
    .allTextContents()
    .then((rows) => rows.join('\n').replace(/\u00a0/g, ' '));

// The IDE's terminal connects through the gateway's SSH listener as the signed-in human: a real sshd as the
// target, policy applied to each line, the session recorded and then replayed in xterm.js.
describe('terminal', () => {
  let sshd: TestSshd | undefined;
  const e2e = useConfiguredE2E(
    async () => {
      sshd = await startSshd();
      return {
        connections: [
          {
            name: 'build-host',
            type: 'ssh',
            description: 'e2e sshd',
            upstream: {
              host: sshd.host,
              port: sshd.port,
              user: sshd.user,
              privateKeyFile: sshd.clientKeyFile,
              hostKey: sshd.hostKey,
            },
            policy: 'ops',
          },
        ],
        policies: [
          {
            name: 'ops',
            rules: [
              { match: { programs: ['rm', 'shutdown'] }, action: 'deny' },
              { match: { programs: ['*'] }, action: 'allow' },
            ],
          },
        ],
      };
    },
    async () => sshd?.stop(),
  );
  let sessionId = '';

  test('the workbench Terminal tab opens a shell on an ssh connection, through the gateway', async () => {
    const { page, vigil } = e2e;
    await openView(page, vigil.apiUrl, '#/workbench');
    await page.getByRole('tab', { name: 'Terminal' }).click();
    await eventually(() => page.getByRole('combobox', { name: 'SSH connection' }).inputValue()).toBe('build-host');
    const session = page.locator('.live-terminal-status a', { hasText: /^session / });
    await session.waitFor();
    sessionId = ((await session.textContent()) ?? '').replace(/^session /, '');
    expect(sessionId).toMatch(/^\w+$/);

    await page.locator('.live-terminal-host .xterm').click();
    await page.keyboard.type('echo hello-from-ide');
    await page.keyboard.press('Enter');
    await eventually(() => screenText(page, '.live-terminal-host')).toMatch(/^hello-from-ide\s*$/m);

    // Policy applies to the person as to an agent: the line is refused, the shell goes on.
    await page.keyboard.type('rm -rf /tmp/vigil-e2e-not-there');
    await page.keyboard.press('Enter');
    await eventually(() => screenText(page, '.live-terminal-host')).toMatch(
      /vigil: Vigil policy: denied by rule ops#1/,
    );
    await page.keyboard.type('uname -s');
    await page.keyboard.press('Enter');
    await eventually(() => screenText(page, '.live-terminal-host')).toMatch(/^Linux\s*$/m);
    await screenshot(page, 'terminal');

    await page.keyboard.type('exit');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'The shell ended.' }).waitFor();
  });

  test('the recorded ssh session replays in xterm.js', async () => {
    const { page } = e2e;
    await page.getByRole('link', { name: `Replay session ${sessionId}` }).click();
    const replay = page.locator(`[data-session-id="${sessionId}"]`);
    await replay.waitFor();
    await expect(replay.textContent()).resolves.toMatch(/demo-admin/);
    await replay.locator('.terminal-host .xterm-rows').waitFor();
    // Replays start at the first frame; End seeks to the last.
    await page.locator('body').press('End');
    await eventually(() => screenText(page, '.terminal-host')).toMatch(/^hello-from-ide\s*$/m);
    await expect(screenText(page, '.terminal-host')).resolves.toMatch(/denied by rule ops#1/);
  });
});
