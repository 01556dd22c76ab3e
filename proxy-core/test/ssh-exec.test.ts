import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { badTokens } from './support/bad-tokens';
import { runClient } from './support/client-process';
import { annotations, eventually, received, type SshHarness, startSshHarness } from './support/sshd';

let h: SshHarness;
let work: string;

beforeAll(async () => {
  h = await startSshHarness();
  work = mkdtempSync(join(tmpdir(), 'vigil-ssh-exec-'));
});

afterAll(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  h.deny.clear();
  h.review.clear();
});

const target = (port?: number) =>
  port === undefined ? ['target@127.0.0.1'] : ['target@127.0.0.1', '-p', String(port)];

describe('exec through the SSH gateway (OpenSSH client → gateway → sshd)', () => {
  it('runs a command with the OIDC token as password: stdout, stderr and exit status bridged, all recorded', async () => {
    const before = h.sessions.length;
    const r = await h.ssh([...target(), 'echo hello; echo oops >&2; exit 3']);
    expect(r).toMatchObject({ code: 3, stdout: 'hello\n', stderr: 'oops\n' });

    const session = h.sessions[before];
    if (!session) throw new Error('no session was opened');
    const { row, frames } = await h.recording(session);
    expect(row).toMatchObject({ protocol: 'ssh', connection: 'target', principal: 'agent-1', status: 'ended' });
    expect(received(frames, 1)).toBe('hello\n');
    expect(received(frames, 2)).toBe('oops\n');
    const notes = annotations(frames);
    expect(notes.find((a) => a.type === 'session.start')).toMatchObject({
      principal: 'agent-1',
      connection: 'target',
      auth: 'password',
    });
    expect(notes.find((a) => a.type === 'command')).toMatchObject({
      text: 'echo hello; echo oops >&2; exit 3',
      decision: 'allow',
    });
    expect(notes.find((a) => a.type === 'exit')).toMatchObject({ status: 3 });
    expect(notes.at(-1)).toMatchObject({ type: 'session.end' });
  });

  it('passes stdin through and EOF on', async () => {
    const r = await h.ssh([...target(), 'wc -l'], { input: 'a\nb\nc\n' });
    expect(r).toMatchObject({ code: 0, stdout: '3\n' });
  });

  it('logs in with a public key registered to a principal', async () => {
    const before = h.sessions.length;
    const r = await h.ssh([...target(), 'id -un'], { key: true });
    expect(r).toMatchObject({ code: 0, stdout: 'root\n' });
    expect(h.sessions[before]?.principal.sub).toBe('agent-key-1');
  });

  it('denies a command: reason on stderr, exit status 126, nothing run upstream', async () => {
    h.deny.add('rm');
    const marker = join(work, 'keep-me');
    writeFileSync(marker, 'x');
    const r = await h.ssh([...target(), `sudo -u root /bin/rm -f ${marker}`]);
    expect(r.code).toBe(126);
    expect(r.stderr).toMatch(/vigil: Vigil policy: program rm is not allowed/);
    expect(existsSync(marker)).toBe(true);
  });

  it('holds a reviewed command until approved, then runs exactly it', async () => {
    h.review.add('touch');
    const marker = join(work, 'approved');
    const pending = h.ssh([...target(), `touch ${marker} && echo done`]);
    const review = await eventually(() => h.reviews.find((x) => x.text.includes(marker)));
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(marker)).toBe(false);
    review.decide(true);
    const r = await pending;
    expect(r).toMatchObject({ code: 0, stdout: 'done\n' });
    expect(r.stderr).toMatch(/held for approval: request req-\d+ waits/);
    expect(existsSync(marker)).toBe(true);
  });

  it('refuses a reviewed command an approver denies', async () => {
    h.review.add('touch');
    const marker = join(work, 'never');
    const pending = h.ssh([...target(), `touch ${marker}`]);
    const review = await eventually(() => h.reviews.find((x) => x.text.includes(marker)));
    review.decide(false, 'not today');
    const r = await pending;
    expect(r.code).toBe(126);
    expect(r.stderr).toMatch(/not approved \(denied by alice: not today\)/);
    expect(existsSync(marker)).toBe(false);
  });

  it('judges each line a shell reads from stdin (`ssh host bash < script`)', async () => {
    h.deny.add('rm');
    const marker = join(work, 'script-marker');
    writeFileSync(marker, 'x');
    const script = `echo one\nfor i in 1 2; do\n  echo "n$i"\ndone\nrm -f ${marker}\necho two\n`;
    const r = await h.ssh([...target(), 'bash'], { input: script });
    expect(r.stdout).toBe('one\nn1\nn2\ntwo\n');
    expect(r.stderr).toMatch(/program rm is not allowed/);
    expect(existsSync(marker)).toBe(true);
  });

  it('masks secrets in output and annotates them', async () => {
    const before = h.sessions.length;
    const r = await h.ssh([...target(), "printf 'key=\\033[1mAKIAIOSFODNN7EXAMPLE\\033[0m mail bob@example.com\\n'"]);
    expect(r.stdout).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(r.stdout).not.toContain('bob@example.com');
    expect(r.stdout).toBe('key=\x1b[1m****\x1b[0m mail ****\n');
    const session = h.sessions[before];
    if (!session) throw new Error('no session');
    const { row, frames } = await h.recording(session);
    expect(received(frames, 1)).not.toContain('AKIA');
    expect(annotations(frames).find((a) => a.type === 'mask')).toMatchObject({
      channel: 1,
      spans: [{ rule: 'aws_access_key' }, { rule: 'email' }],
    });
    expect(row.masked).toBe(2);
  });

  it('passes binary output through unchanged while masking is on', async () => {
    const file = join(work, 'random.bin');
    // Binary, with no printable ASCII a detector could take for a secret (random text may hold an email).
    const data = Buffer.from(randomBytes(300_000).map((b) => (b >= 0x20 && b < 0x7f ? b | 0x80 : b)));
    writeFileSync(file, data);
    const r = await h.ssh([...target(), `cat ${file}`]);
    expect(r.code).toBe(0);
    expect(r.stdoutBytes.equals(data)).toBe(true);
  });

  it('passes on the exit status after a large output, once the agent has read all of it', async () => {
    // The output outruns the agent's SSH window: the exit status must wait for it, not for an event that
    // never comes.
    const file = join(work, 'large.bin');
    // No printable ASCII, so no detector takes part of it for a secret (see the test above).
    const data = Buffer.from(randomBytes(64 * 1024 * 1024).map((b) => (b >= 0x20 && b < 0x7f ? b | 0x80 : b)));
    writeFileSync(file, data);
    const r = await h.ssh([...target(), `cat ${file}; exit 7`]);
    expect(r.code).toBe(7);
    expect(r.stdoutBytes.length).toBe(data.length);
    expect(r.stdoutBytes.equals(data)).toBe(true);
  }, 60_000);

  it('refuses bad tokens and tokens without an agent role, and audits each', async () => {
    const failures = h.authFailures.length;
    const garbage = await h.ssh([...target(), 'true'], { token: 'not-a-jwt' });
    expect(garbage.code).toBe(255);
    expect(garbage.stderr).toMatch(/Permission denied/);
    const noRole = await h.ssh([...target(), 'true'], { token: await h.token('nobody') });
    expect(noRole.code).toBe(255);
    const bad = await badTokens(h.idp.issuer, h.idp.audience, h.idp.signingKey());
    for (const name of ['expired', 'tampered', 'wrongAudience'] as const) {
      const r = await h.ssh([...target(), 'echo should-not-run'], { token: bad[name] });
      expect(r).toMatchObject({ code: 255, stdout: '' });
    }
    const codes = h.authFailures.slice(failures).map((f) => f.code);
    expect(codes).toContain('malformed');
    expect(codes).toEqual(expect.arrayContaining(['no_role', 'expired', 'bad_signature', 'bad_audience']));
    expect(h.authFailures.at(-1)).toMatchObject({ connection: 'target', user: 'target' });
  });

  it('ends a connection that does not speak SSH, opens no session, and serves on', async () => {
    const lengthPastAnyPacket = Buffer.from([0x7f, 0xff, 0xff, 0xf0, 4, 20]);
    const inputs = {
      'random bytes': [randomBytes(4096)],
      'a banner, then random bytes': [Buffer.from('SSH-2.0-agent\r\n'), randomBytes(4096)],
      'a banner, then a packet length past any packet': [Buffer.from('SSH-2.0-agent\r\n'), lengthPastAnyPacket],
      'a megabyte without a line end': [Buffer.alloc(1 << 20, 0x41)],
    };
    const sessionsBefore = h.sessions.length;
    for (const [name, parts] of Object.entries(inputs)) {
      const ended = await new Promise<string>((resolve) => {
        const s = connect(h.port, '127.0.0.1', () => {
          for (const p of parts) s.write(p);
        });
        const timer = setTimeout(() => {
          s.destroy();
          resolve(`${name}: still open after 5 s`);
        }, 5000);
        s.resume(); // read what the gateway answers (its banner), or its end never arrives
        s.on('error', () => {});
        s.on('close', () => {
          clearTimeout(timer);
          resolve(`${name}: closed`);
        });
      });
      expect(ended).toBe(`${name}: closed`);
    }
    expect(h.sessions.length).toBe(sessionsBefore);
    const r = await h.ssh([...target(), 'echo still-serving']);
    expect(r.stdout).toBe('still-serving\n');
  });

  it('refuses an unknown connection name', async () => {
    const r = await h.ssh(['nope@127.0.0.1', 'true']);
    expect(r.code).toBe(255);
    expect(h.authFailures.at(-1)).toMatchObject({ code: 'unknown_connection', connection: 'nope' });
  });

  it('refuses the session when the upstream host key is not the pinned one', async () => {
    const r = await h.ssh(['target-moved@127.0.0.1', 'echo should-not-run']);
    expect(r.code).toBe(255);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/does not match the key pinned for connection "target-moved"/);
    const session = h.sessions.at(-1);
    if (!session) throw new Error('no session');
    const { row, frames } = await h.recording(session);
    expect(row.status).toBe('failed');
    expect(annotations(frames).find((a) => a.type === 'upstream.failed')).toMatchObject({ kind: 'host-key' });
  });

  it('says so when the upstream is down', async () => {
    const r = await h.ssh(['target-down@127.0.0.1', 'true']);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/upstream of connection "target-down" .* is unavailable/);
  });

  it('refuses the session when it cannot be recorded (fail closed), before anything reaches the upstream', async () => {
    const r = await h.ssh(['unrecordable@127.0.0.1', 'echo should-not-run']);
    expect(r.code).toBe(255);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Vigil cannot record this session right now, so it is refused \(fail closed\)/);
  });

  it('ends a running command when the session is terminated from the control plane', async () => {
    const before = h.sessions.length;
    let started = false;
    const unsubscribe = h.hub.subscribe((e) => {
      if (e.type === 'frame' && e.frame.kind === 'bytes' && Buffer.from(e.frame.data).toString().includes('started'))
        started = true;
    });
    const pending = h.ssh([...target(), 'echo started; sleep 20']);
    const session = await eventually(() => h.sessions[before]);
    h.hub.watch(session.id);
    await eventually(() => started);
    unsubscribe();
    h.hub.liveSession(session.id)?.terminate('alice');
    const r = await pending;
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/vigil: session terminated by alice/);
    const { row } = await h.recording(session);
    expect(row.endReason).toMatch(/terminated by alice/);
  });

  it('refuses port forwarding, and records and audits the attempt', async () => {
    const before = h.sessions.length;
    const remote = await h.ssh(['-N', '-o', 'ExitOnForwardFailure=yes', '-R', '127.0.0.1:0:127.0.0.1:22', ...target()]);
    expect(remote.code).toBe(255);
    expect(remote.stderr).toMatch(/remote port forwarding failed/i);
    const stdio = await h.ssh(['-W', '127.0.0.1:22', ...target()]);
    expect(stdio.code).toBe(255);
    expect(stdio.stderr).toMatch(/stdio forwarding failed/);
    const session = h.sessions[before];
    if (!session) throw new Error('no session');
    const { frames } = await h.recording(session);
    expect(annotations(frames).find((a) => a.type === 'command')).toMatchObject({
      text: 'tcpip-forward on 127.0.0.1:0',
      decision: 'deny',
    });
    const audited = h.temp.store
      .listAudit()
      .filter((e) => e.type === 'ssh.forwarding.refused' && e.sessionId === session.id);
    expect(audited.map((e) => (e.data as { what: string }).what)).toEqual(['tcpip-forward on 127.0.0.1:0']);
  });
  it('refuses agent forwarding', async () => {
    const sock = join(work, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      await eventually(() => existsSync(sock));
      const { args, env } = h.clientOptions({ key: true });
      const before = h.sessions.length;
      const r = await runClient('ssh', [...args, '-A', '-p', String(h.port), ...target(), 'echo "[$SSH_AUTH_SOCK]"'], {
        ...env,
        SSH_AUTH_SOCK: sock,
      });
      expect(r).toMatchObject({ code: 0, stdout: '[]\n' });
      const session = h.sessions[before];
      if (!session) throw new Error('no session');
      const { frames } = await h.recording(session);
      expect(annotations(frames).find((a) => a.type === 'forwarding.refused')).toMatchObject({
        what: 'agent forwarding (auth-agent-req@openssh.com)',
      });
    } finally {
      agent.kill('SIGTERM');
    }
  });
});

describe('exec through the SSH gateway (ssh2 client as the agent)', () => {
  /** Logs in with keyboard-interactive, answering the token prompt, and runs `command`. */
  function kbdExec(token: string, command: string, during?: (stream: ssh2.ClientChannel) => void) {
    return new Promise<{ code: number | null; signal?: string; stdout: string }>((resolve, reject) => {
      const client = new ssh2.Client();
      client.on('keyboard-interactive', (_name, _instr, _lang, prompts, finish) => finish(prompts.map(() => token)));
      client.on('error', reject);
      client.on('ready', () =>
        client.exec(command, (err, stream) => {
          if (err) return reject(err);
          let stdout = '';
          let exit: { code: number | null; signal?: string } = { code: null };
          stream.on('data', (d: Buffer) => {
            stdout += d.toString();
          });
          stream.on('exit', (code: number | null, signal?: string) => {
            exit = signal ? { code, signal } : { code };
          });
          stream.on('close', () => {
            client.end();
            resolve({ ...exit, stdout });
          });
          during?.(stream);
        }),
      );
      client.connect({
        host: '127.0.0.1',
        port: h.port,
        username: 'target',
        tryKeyboard: true,
        authHandler: ['keyboard-interactive'],
        hostVerifier: () => true,
      });
    });
  }

  it('logs in with the token as a keyboard-interactive answer', async () => {
    const r = await kbdExec(await h.token(), 'echo kbd');
    expect(r).toMatchObject({ code: 0, stdout: 'kbd\n' });
  });

  it("bridges an exit signal, and records and passes on the agent's signals", async () => {
    const killed = await kbdExec(await h.token(), 'kill -TERM $$');
    expect(killed.signal).toBe('SIGTERM');
    // Debian's sshd accepts `signal` requests but does not act on them here, so only the relay is checked.
    const before = h.sessions.length;
    const signalled = await kbdExec(await h.token(), 'sleep 1; echo end', (stream) =>
      setTimeout(() => stream.signal('INT'), 200),
    );
    expect(signalled.stdout).toBe('end\n');
    const session = h.sessions[before];
    if (!session) throw new Error('no session');
    const { frames } = await h.recording(session);
    expect(annotations(frames).find((a) => a.type === 'signal')).toMatchObject({ name: 'INT' });
  });
});
