import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/cli-io';
import { main } from '../src/cli/main';
import { createDevIssuer } from '../src/identity/dev-issuer';
import { silentLogger } from '../src/logger';
import { openSqliteStore } from '../src/store/sqlite-store';
import { eventually, type Harness, startHarness } from './support/gateway-harness';

function capture(cwd: string, env: NodeJS.ProcessEnv = {}): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => {
      io.stdout += t;
    },
    err: (t: string) => {
      io.stderr += t;
    },
    env,
    cwd,
  };
  return io;
}

describe('vigil.yaml errors name the path and the reason, and nothing starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, string, RegExp[]]> = [
    [
      'wrong types, unknown keys and a dangling policy',
      `auth: { issuer: dev }
connections:
  - name: orders
    type: postgres
    upstream: { host: db, port: "5432", database: orders, user: app, pasword: x }
    policy: agents-defualt
policies:
  - name: agents-default
    rules:
      - match: { statements: [select] }
        action: permit
`,
      [
        /connections\[0\]\.upstream\.port: expected number, received string/,
        /connections\[0\]\.upstream: unknown key "pasword"/,
        /connections\[0\]\.policy: no policy named "agents-defualt"/,
        /policies\[0\]\.rules\[0\]\.action: expected allow, deny or review/,
      ],
    ],
    [
      'an unknown connection type',
      'auth: { issuer: dev }\nconnections:\n  - { name: x, type: mysql, upstream: {}, policy: p }\n',
      [/connections\[0\]/, /postgres, ssh or http/],
    ],
    ['broken YAML', 'auth: { issuer: dev\nlisten: [', [/line \d+/]],
    [
      'the development issuer off loopback',
      'listen: { api: 0.0.0.0:7480 }\nauth: { issuer: dev }\n',
      [/auth\.issuer: the development issuer is for loopback only/],
    ],
    [
      'a bad listen address',
      'listen: { postgres: "nowhere" }\nauth: { issuer: dev }\n',
      [/listen\.postgres: expected host:port/],
    ],
  ];

  it.each(cases)('%s', async (_name, yaml, expected) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    const io = capture(dir);
    const code = await main(['serve', '--config', file], io);
    expect(code).toBe(2);
    for (const re of expected) expect(io.stderr).toMatch(re);
    expect(io.stdout).not.toContain('listening');
  });

  it('a missing config file says so', async () => {
    const io = capture(dir);
    expect(await main(['serve', '--config', join(dir, 'nope.yaml')], io)).toBe(2);
    expect(io.stderr).toMatch(/cannot read/);
  });
});

describe('state commands against a gateway that served sessions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const c = await h.client();
    await c.query('SELECT 1');
    await c.end();
    await eventually(() => h.gateway.store.listSessions().sessions.some((s) => s.status === 'ended'));
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('vigil sessions --json prints the contract fields', async () => {
    const io = capture(h.dataDir);
    expect(await main(['sessions', '--json', '--data-dir', h.dataDir], io)).toBe(0);
    const sessions = JSON.parse(io.stdout) as Array<Record<string, unknown>>;
    expect(sessions.length).toBeGreaterThan(0);
    for (const key of [
      'id',
      'principal',
      'connection',
      'protocol',
      'startedAt',
      'endedAt',
      'status',
      'bytesIn',
      'bytesOut',
      'frames',
      'recording',
    ])
      expect(sessions[0]).toHaveProperty(key);
    expect(sessions[0]?.principal).toBe('agent-1');
  });

  it('vigil verify: exit 0 for an intact recording pinned to the gateway key, 1 with a precise message after any change', async () => {
    const session = h.gateway.store.listSessions().sessions.find((s) => s.status === 'ended');
    const file = session?.recording as string;
    const ok = capture(h.dataDir);
    expect(await main(['verify', '--data-dir', h.dataDir, file], ok)).toBe(0);
    expect(ok.stdout).toMatch(/INTACT/);
    expect(ok.stdout).toContain(h.gateway.signingKey.fingerprint);

    const bytes = readFileSync(file);
    const tampered = join(h.dataDir, 'tampered.vrec');
    for (const offset of [10, Math.floor(bytes.length / 2), bytes.length - 5]) {
      const copy = Buffer.from(bytes);
      copy[offset] = (copy[offset] as number) ^ 0x01;
      writeFileSync(tampered, copy);
      const bad = capture(h.dataDir);
      expect(await main(['verify', '--data-dir', h.dataDir, tampered], bad)).toBe(1);
      expect(bad.stdout).toMatch(/FAIL/);
      expect(bad.stdout).toMatch(/NOT INTACT/);
    }
  });

  it('vigil verify refuses a recording re-sealed with another key when the gateway key is pinned', async () => {
    const other = mkdtempSync(join(tmpdir(), 'vigil-otherkey-'));
    const session = h.gateway.store.listSessions().sessions.find((s) => s.status === 'ended');
    const io = capture(h.dataDir);
    const { generateSigningKey, publicKeyFromPrivate, publicKeyToPem } = await import('@vigil/recordings');
    const pem = join(other, 'other.pem');
    writeFileSync(pem, publicKeyToPem(publicKeyFromPrivate(generateSigningKey().privateKey)));
    expect(await main(['verify', '--key', pem, session?.recording as string], io)).toBe(1);
    expect(io.stdout).toMatch(/signature/);
    rmSync(other, { recursive: true, force: true });
  });

  it('vigil keys prints the fingerprint', async () => {
    const io = capture(h.dataDir);
    expect(await main(['keys', '--data-dir', h.dataDir], io)).toBe(0);
    expect(io.stdout).toContain(h.gateway.signingKey.fingerprint);
  });

  it('usage errors exit 2 with a message', async () => {
    const io = capture(h.dataDir);
    expect(await main(['sessions', '--bogus'], io)).toBe(2);
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe('vigil approvals: headless decisions on held statements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-approvals-'));
  let approverToken = '';
  let agentToken = '';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    // A data dir as `vigil serve` with the development issuer leaves it: the store, the issuer's key and its address.
    const store = openSqliteStore({ path: join(dir, 'vigil.db'), logger: silentLogger });
    const session = store.createSession({
      id: 's1',
      protocol: 'postgres',
      connection: 'orders',
      principal: 'agent-7',
      groups: ['ai-agents'],
      clientAddr: '127.0.0.1:5000',
      upstream: 'db:5432',
      startedAt: new Date().toISOString(),
      recording: join(dir, 'recordings/s1.vrec'),
    });
    store.createApproval({
      id: 'apr_1',
      sessionId: session.id,
      principal: 'agent-7',
      connection: 'orders',
      statement: 'UPDATE orders SET note = $1 WHERE id = $2 AND shipped IS $3',
      runs: [
        ["it's late", '42', null],
        ['on time', '43', 'f'],
      ],
      actions: ['update orders → review (agents#2)'],
      rule: 'agents#2',
      requiredCount: 1,
      approverGroups: ['dba'],
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    store.close();
    const info = { issuerUrl: 'http://127.0.0.1:7480/dev-issuer', audience: 'vigil' };
    mkdirSync(join(dir, 'keys'), { recursive: true });
    writeFileSync(join(dir, 'keys/dev-issuer.json'), JSON.stringify(info));
    const issuer = createDevIssuer({ keysDir: join(dir, 'keys'), ...info });
    approverToken = await issuer.mint({ sub: 'bob', groups: ['dba'] });
    agentToken = await issuer.mint({ sub: 'agent-7', groups: ['ai-agents'] });
  });

  it('list shows what an agent wrote as it is, not as a terminal would act on it: escapes and bidi controls', async () => {
    const store = openSqliteStore({ path: join(dir, 'vigil.db'), logger: silentLogger });
    // A DELETE dressed up for a terminal: erase the line, move up, and print a harmless statement over it; a run
    // value that turns the text right to left.
    store.createApproval({
      id: 'apr_tty',
      sessionId: 's1',
      principal: 'agent-7',
      connection: 'orders',
      statement: 'DELETE FROM orders /*\x1b[2K\r\x1b[1ASELECT 1 -- */',
      runs: [['\u202eredro eteled']],
      actions: ['delete orders → review (agents#2)'],
      rule: 'agents#2',
      requiredCount: 1,
      approverGroups: ['dba'],
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    store.close();
    const io = capture(dir);
    try {
      expect(await main(['approvals', 'list', '--data-dir', dir], io)).toBe(0);
    } finally {
      const cleanup = openSqliteStore({ path: join(dir, 'vigil.db'), logger: silentLogger });
      cleanup.setApprovalStatus('apr_tty', 'cancelled', new Date().toISOString());
      cleanup.close();
    }
    for (const raw of ['\x1b', '\r', '\u202e']) expect(io.stdout).not.toContain(raw);
    // (Whitespace, the carriage return among it, is shown as one space.)
    expect(io.stdout).toContain('DELETE FROM orders /*\\u001b[2K \\u001b[1ASELECT 1 -- */');
    expect(io.stdout).toContain("$1 = '\\u202eredro eteled'");
  });

  it('list shows each pending request with the values its statement runs with', async () => {
    const io = capture(dir);
    expect(await main(['approvals', 'list', '--data-dir', dir], io)).toBe(0);
    expect(io.stdout).toContain('apr_1  pending   agent-7 on orders (rule agents#2, 0/1');
    expect(io.stdout).toContain('UPDATE orders SET note = $1 WHERE id = $2 AND shipped IS $3 × 2 runs\n');
    expect(io.stdout).toContain(
      "    $1 = 'it''s late', $2 = '42', $3 = NULL\n    $1 = 'on time', $2 = '43', $3 = 'f'\n",
    );
    const json = capture(dir);
    expect(await main(['approvals', 'list', '--json', '--data-dir', dir], json)).toBe(0);
    expect(JSON.parse(json.stdout)[0]).toMatchObject({
      id: 'apr_1',
      runs: [
        ["it's late", '42', null],
        ['on time', '43', 'f'],
      ],
    });
  });

  it('approve needs a token of someone with the approver role', async () => {
    const none = capture(dir);
    expect(await main(['approvals', 'approve', 'apr_1', '--data-dir', dir], none)).toBe(2);
    expect(none.stderr).toMatch(/pass --token TOKEN/);
    const agent = capture(dir);
    expect(await main(['approvals', 'approve', 'apr_1', '--data-dir', dir, '--token', agentToken], agent)).toBe(1);
    expect(agent.stderr).toMatch(/agent-7 has no approver role/);
    const forged = capture(dir);
    await expect(
      main(['approvals', 'approve', 'apr_1', '--data-dir', dir, '--token', `${approverToken}x`], forged),
    ).resolves.not.toBe(0);
  });

  it('approve decides the request, once', async () => {
    const io = capture(dir);
    const args = ['approvals', 'approve', 'apr_1', '--data-dir', dir, '--token', approverToken, '--reason', 'fine'];
    expect(await main(args, io)).toBe(0);
    expect(io.stdout).toBe('apr_1: approved (1 of 1 votes)\n');
    const again = capture(dir);
    expect(await main(args, again)).toBe(1);
    expect(again.stderr).toMatch(/vigil approvals: /);
    const pending = capture(dir);
    expect(await main(['approvals', 'list', '--data-dir', dir], pending)).toBe(0);
    expect(pending.stdout).toBe('no pending approval requests\n');
  });
});
