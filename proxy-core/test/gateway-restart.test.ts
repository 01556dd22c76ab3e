import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIssuer } from '../src/identity/dev-issuer';
import { freePort, type PgCluster, startPgCluster } from './support/pg-cluster';

/**
 * The gateway as an operator runs it (`vigil serve`, a process of its own), against a real PostgreSQL:
 * a second gateway on the same data directory is refused without touching the first one's live
 * session, and after the first one is killed the next start seals that session's recording as
 * interrupted.
 */
const VIGIL = join(import.meta.dirname, '../bin/vigil.js');
let cluster: PgCluster;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await startPgCluster({ database: 'shop' });
  dir = mkdtempSync(join(tmpdir(), 'vigil-restart-'));
  writeFileSync(
    join(dir, 'vigil.yaml'),
    `dataDir: ${join(dir, 'data')}
auth: { issuer: dev, audience: vigil, roles: { agent: [ai-agents] } }
connections:
  - name: shop
    type: postgres
    upstream: { host: 127.0.0.1, port: ${cluster.port}, database: shop, user: ${cluster.roles.scram}, passwordEnv: UPSTREAM_PASSWORD, tls: disable }
    policy: reads
policies:
  - name: reads
    rules:
      - match: { statements: [select] }
        action: allow
`,
  );
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `vigil serve` on its own ports; resolves once it listens, or with its exit code and output if it ends first. */
async function serve(): Promise<{ child: ChildProcess; pgPort: number; exit?: number | null; output: string }> {
  const [api, pgPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      VIGIL,
      'serve',
      '--config',
      join(dir, 'vigil.yaml'),
      '--api',
      `127.0.0.1:${api}`,
      '--postgres',
      `127.0.0.1:${pgPort}`,
    ],
    { env: { ...process.env, UPSTREAM_PASSWORD: cluster.password }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  const outcome = await new Promise<{ exit?: number | null }>((resolve) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('Vigil is listening')) resolve({});
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => resolve({ exit: code }));
  });
  return { child, pgPort, output, ...outcome };
}

function cli(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [VIGIL, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout + r.stderr };
}

describe('one gateway per data directory, and crash recovery', () => {
  it('refuses a second gateway without disturbing the first; the next start after a crash seals the recording as interrupted', async () => {
    const first = await serve();
    expect(first.exit).toBeUndefined();
    const keys = join(dir, 'data', 'keys');
    const info = JSON.parse(readFileSync(join(keys, 'dev-issuer.json'), 'utf8'));
    const issuer = createDevIssuer({ keysDir: keys, issuerUrl: info.issuerUrl, audience: info.audience });
    const client = new pg.Client({
      host: '127.0.0.1',
      port: first.pgPort,
      database: 'shop',
      user: 'agent-1',
      password: await issuer.mint({ sub: 'agent-1', groups: ['ai-agents'] }),
    });
    client.on('error', () => {});
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);

    const second = await serve();
    expect(second.exit).toBe(1);
    expect(second.output).toMatch(/another Vigil gateway is serving .*data/);
    // The first gateway's session goes on, still live, its recording untouched.
    expect((await client.query('SELECT 2 AS two')).rows[0].two).toBe(2);
    const live = JSON.parse(cli('sessions', '--json', '--data-dir', join(dir, 'data')).stdout);
    expect(live).toHaveLength(1);
    expect(live[0].status).toBe('live');

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const third = await serve();
    expect(third.exit).toBeUndefined();
    const [recovered] = JSON.parse(cli('sessions', '--json', '--data-dir', join(dir, 'data')).stdout);
    expect(recovered).toMatchObject({ id: live[0].id, status: 'interrupted' });
    const verified = cli('verify', '--data-dir', join(dir, 'data'), recovered.recording);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/INTACT: \d+ frames in \d+ chunks, interrupted/);
    third.child.kill('SIGTERM');
    await new Promise((r) => third.child.once('exit', r));
  }, 60_000);
});
