import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/identity/identity.types';
import { eventually, type Harness, startHarness } from './support/gateway-harness';
import { startSshd, type TestSshd } from './support/sshd';

/** The SSH gateway wired into the whole gateway: the same policy engine, approvals, store and audit as PostgreSQL. */
let h: Harness;
let sshd: TestSshd;
const victimDir = mkdtempSync(join(tmpdir(), 'vigil-ssh-victim-'));
const victim = join(victimDir, 'keep-me');

const POLICY = {
  name: 'shell-policy',
  rules: [
    { match: { programs: ['rm', 'dd', 'mkfs', 'shutdown'] }, action: 'deny' },
    { match: { programs: ['touch'] }, action: 'review', approvers: { groups: ['dba'], count: 1 }, timeout: '1m' },
    { match: { programs: ['*'] }, action: 'allow' },
  ],
  masking: { columns: [], detectors: ['aws_access_key', 'email'], style: 'redact' },
};

beforeAll(async () => {
  writeFileSync(victim, 'important');
  sshd = await startSshd();
  h = await startHarness({
    policies: [POLICY],
    listen: { ssh: '127.0.0.1:0' },
    extraConnections: [
      {
        name: 'build-host',
        type: 'ssh',
        upstream: {
          host: sshd.host,
          port: sshd.port,
          user: sshd.user,
          privateKeyFile: sshd.clientKeyFile,
          hostKey: sshd.hostKey,
        },
        policy: 'shell-policy',
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await sshd?.stop();
  rmSync(victimDir, { recursive: true, force: true });
});

async function exec(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const token = await h.agentToken();
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => {
      c.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => (stdout += d));
        stream.stderr.on('data', (d: Buffer) => (stderr += d));
        let code: number | null = null;
        stream.on('exit', (status: number | null) => {
          code = status;
        });
        // 'close' comes after every byte of stdout and stderr, 'exit' may come before the last of them.
        stream.on('close', () => {
          c.end();
          resolve({ code, stdout, stderr });
        });
      });
    });
    c.on('error', reject);
    c.connect({
      host: '127.0.0.1',
      port: h.gateway.ssh?.address.port,
      username: 'build-host',
      password: token,
      hostVerifier: () => true,
    });
  });
}

describe('SSH through the gateway', () => {
  it('an allowed command runs with its output and exit status; secrets in output are masked', async () => {
    const r = await exec('echo hello; echo AKIAIOSFODNN7EXAMPLE; exit 3');
    expect(r.stdout).toContain('hello');
    expect(r.stdout).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(r.code).toBe(3);
  });

  it('a denied program does not run, however it is written; the agent is told why', async () => {
    for (const cmd of [
      `rm -f ${victim}`,
      `sh -c 'rm -f ${victim}'`,
      `/bin/rm -f ${victim}`,
      `echo ok && \\rm -f ${victim}`,
      `find ${victimDir} -name keep-me -delete`,
      `source /dev/stdin <<< "rm -f ${victim}"`,
    ]) {
      const r = await exec(cmd);
      expect(r.code).toBe(126);
      expect(r.stderr).toMatch(/Vigil/);
      expect(existsSync(victim)).toBe(true);
    }
  });

  it('a reviewed command waits for an approver', async () => {
    const marker = join(victimDir, 'approved');
    const pending = exec(`touch ${marker}`);
    const request = await eventually(() =>
      h.gateway.store.listApprovals({ status: 'pending' }).find((a) => a.statement.includes('touch')),
    );
    expect(existsSync(marker)).toBe(false);
    const alice: Principal = { sub: 'alice', groups: ['dba'], roles: ['approver'], issuer: 'test', expiresAt: 0 };
    h.gateway.broker.decide(request.id, alice, 'approve', '');
    expect((await pending).code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('SSH sessions are recorded and listed like the others', async () => {
    const s = await eventually(() =>
      h.gateway.store.listSessions({ protocol: 'ssh' }).sessions.find((x) => x.status === 'ended'),
    );
    expect(s.connection).toBe('build-host');
    expect(s.denials).toBeGreaterThan(0);
  });
});
