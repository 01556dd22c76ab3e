import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/cli-io';
import { main } from '../src/cli/main';
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
