import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotations, eventually, received, type SshHarness, startSshHarness } from './support/sshd';

let h: SshHarness;
let work: string;
let socket: string;

/** tmux on its own server socket, so the tests never touch another tmux. */
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'agent', '-S', '-200');
const type = (...keys: string[]) => tmux('send-keys', '-t', 'agent', ...keys);

async function waitForScreen(pattern: RegExp): Promise<string> {
  return eventually(() => {
    const s = screen();
    return pattern.test(s) ? s : undefined;
  });
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

beforeAll(async () => {
  h = await startSshHarness();
  work = mkdtempSync(join(tmpdir(), 'vigil-ssh-shell-'));
  socket = join(work, 'tmux.sock');
});

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // already gone with its last session
  }
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('interactive shell with a PTY through the gateway (OpenSSH client in tmux)', () => {
  it('runs typed lines, follows resizes, and holds, refuses or releases lines by policy', async () => {
    h.deny.add('rm');
    h.review.add('touch');
    const { args, env } = h.clientOptions({ key: true });
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${quote(v ?? '')}`);
    const command = [
      'env',
      '-i',
      ...envArgs,
      'TERM=screen',
      'ssh',
      '-tt',
      ...args.map(quote),
      '-p',
      String(h.port),
      'target@127.0.0.1',
    ].join(' ');
    const before = h.sessions.length;
    tmux('new-session', '-d', '-s', 'agent', '-x', '100', '-y', '30', command);

    type('echo READY-$((40+2))', 'Enter');
    await waitForScreen(/^READY-42$/m);
    type('echo hi', 'Enter');
    await waitForScreen(/^hi$/m);

    tmux('resize-window', '-t', 'agent', '-x', '120', '-y', '40');
    type('stty size', 'Enter');
    await waitForScreen(/^40 120$/m);

    const marker = join(work, 'keep-me');
    writeFileSync(marker, 'x');
    type(`rm -f ${marker}`, 'Enter');
    await waitForScreen(/vigil: Vigil policy: program rm is not allowed/);
    expect(existsSync(marker)).toBe(true);

    // Backspace and Ctrl-U edit the line before it is judged: what is judged is what runs.
    type(
      'rm -f x',
      'BSpace',
      'BSpace',
      'BSpace',
      'BSpace',
      'BSpace',
      'BSpace',
      'BSpace',
      'echo edited-$((1+1))',
      'Enter',
    );
    await waitForScreen(/^edited-2$/m);

    // Tab completion: the gateway cannot know the line any more, so it is refused.
    type('ech', 'Tab', ' tabbed', 'Enter');
    await waitForScreen(/line not run: it was edited with Tab completion/);
    expect(screen()).not.toMatch(/^tabbed$/m);

    const approved = join(work, 'approved');
    type(`touch ${approved} && echo touched-$((2+2))`, 'Enter');
    const review = await eventually(() => h.reviews.find((r) => r.text.includes(approved)));
    await waitForScreen(/held for approval: request req-\d+ waits for an approver/);
    type('echo typed-while-held-$((3+3))', 'Enter');
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(approved)).toBe(false);
    expect(screen()).not.toMatch(/^typed-while-held-6$/m);
    review.decide(true);
    await waitForScreen(/touched-4/);
    await waitForScreen(/^typed-while-held-6$/m);
    expect(existsSync(approved)).toBe(true);

    const refused = join(work, 'refused');
    type(`touch ${refused}`, 'Enter');
    (await eventually(() => h.reviews.find((r) => r.text.includes(refused)))).decide(false, 'no');
    await waitForScreen(/not approved \(denied by alice: no\)/);
    expect(existsSync(refused)).toBe(false);

    // Ctrl-C while a line is held withdraws it: its request is cancelled, and a late approval runs nothing.
    const withdrawn = join(work, 'withdrawn');
    type(`touch ${withdrawn}`, 'Enter');
    const held = await eventually(() => h.reviews.find((r) => r.text.includes(withdrawn)));
    await waitForScreen(new RegExp(`held for approval: request ${held.id} waits`));
    type('C-c');
    await waitForScreen(new RegExp(`withdrawn, not run; approval request ${held.id} cancelled`));
    held.decide(true);
    // The shell gets the Ctrl-C too. Typing on while bash still handles its SIGINT can lose the keys, in a
    // terminal as here: wait for the prompt after its ^C, as a person would.
    await waitForScreen(/\^C\n[^\n]*[#$]\s*$/);
    type('echo after-withdraw-$((7+7))', 'Enter');
    await waitForScreen(/^after-withdraw-14$/m);
    expect(existsSync(withdrawn)).toBe(false);

    const session = h.sessions[before];
    if (!session) throw new Error('no session');
    session.stepMode = true;
    type('echo step-$((5+5))', 'Enter');
    (await eventually(() => h.reviews.find((r) => r.text === 'echo step-$((5+5))'))).decide(true);
    await waitForScreen(/^step-10$/m);
    session.stepMode = false;

    type('exit', 'Enter');
    const { frames } = await h.recording(session);
    const resizes = frames.flatMap((f) => (f.kind === 'resize' ? [[f.cols, f.rows]] : []));
    expect(resizes[0]).toEqual([100, 30]);
    expect(resizes).toContainEqual([120, 40]);
    expect(received(frames, 0)).toMatch(/[\r\n]hi\r\n/);
    const typed = Buffer.concat(
      frames.flatMap((f) => (f.kind === 'bytes' && f.direction === 'client' ? [Buffer.from(f.data)] : [])),
    ).toString();
    expect(typed).toContain('echo hi\r');
    const commands = annotations(frames).filter((a) => a.type === 'command');
    expect(commands.map((c) => [c.text, c.decision])).toEqual(
      expect.arrayContaining([
        ['echo hi', 'allow'],
        [`rm -f ${marker}`, 'deny'],
        ['echo edited-$((1+1))', 'allow'],
        [`touch ${approved} && echo touched-$((2+2))`, 'review'],
        ['echo step-$((5+5))', 'review'],
      ]),
    );
    expect(annotations(frames).find((a) => a.type === 'approval.decided')).toMatchObject({
      decision: 'approve',
      approver: 'alice',
    });
    expect(annotations(frames).filter((a) => a.type === 'approval.decided' && a.requestId === held.id)).toEqual([
      expect.objectContaining({ decision: 'cancelled' }),
    ]);
  });
});
