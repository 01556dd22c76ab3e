import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClient } from './support/client-process';
import { type Harness, startHarness } from './support/gateway-harness';

/**
 * The drivers agents use, beside psql, pgbench and node-postgres (pg-relay.test.ts): psycopg2 and psycopg 3 (Python;
 * Debian's python3-psycopg2 / python3-psycopg), pgjdbc (Java; libpostgresql-jdbc-java) and postgres.js (Node; it
 * pipelines named prepared statements on one connection). Each runs one session
 * script (test/clients/) through the gateway and direct; every step must give the same result, and a denied
 * statement must surface as the driver's own error with SQLSTATE 42501, the connection still usable.
 */
const CLIENTS = join(dirname(fileURLToPath(import.meta.url)), 'clients');
const PYTHON = '/usr/bin/python3'; // Debian's, where python3-psycopg2 and python3-psycopg install
const PGJDBC = '/usr/share/java/postgresql.jar';

const READ_ONLY = {
  name: 'read-only',
  rules: [{ match: { statements: ['select', 'show', 'set', 'begin', 'commit', 'rollback'] }, action: 'allow' }],
};

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ policies: [READ_ONLY], extraPostgres: [{ name: 'read-only', policy: 'read-only' }] });
  await h.cluster.query(`
    CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, balance numeric(12,2));
    INSERT INTO people SELECT g, 'person ' || g, g * 10.5 FROM generate_series(1, 1000) g;
  `);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

interface Step {
  step: string;
  value: unknown;
}

function steps(stdout: string): Step[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Step);
}

async function run(cmd: string, args: string[], password: string): Promise<Step[]> {
  const r = await runClient(cmd, args, { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = steps(r.stdout);
  expect(out.at(-1)).toEqual({ step: 'done', value: true });
  return out;
}

/** `count`: how the driver's step gives `SELECT count(*) FROM people` (1000) after the denial. */
function expectSameSteps(via: Step[], direct: Step[], count: unknown): void {
  const denial = new Set(['denied', 'after denial']);
  expect(via.filter((s) => !denial.has(s.step))).toEqual(direct);
  expect(via.find((s) => s.step === 'denied')?.value).toEqual(['42501', true]);
  expect(via.find((s) => s.step === 'after denial')?.value).toEqual([[count]]);
}

describe.each(['psycopg2', 'psycopg3'])('%s through the gateway', (driver) => {
  it('gives what it gives direct, step by step; a denied statement is its 42501', async () => {
    const dsn = (port: number, db: string, user: string, host: string) =>
      `host=${host} port=${port} dbname=${db} user=${user} sslmode=disable`;
    const script = join(CLIENTS, 'psycopg_session.py');
    const token = await h.agentToken();
    const via = await run(
      PYTHON,
      [script, driver, dsn(h.port, 'shop', 'agent-1', h.host), dsn(h.port, 'read-only', 'agent-1', h.host)],
      token,
    );
    const direct = await run(
      PYTHON,
      [script, driver, dsn(h.cluster.port, 'shop', 'postgres', h.cluster.host)],
      h.cluster.password,
    );
    expect(direct.map((s) => s.step)).toContain('server-side cursor');
    expectSameSteps(via, direct, 1000);
  }, 60_000);
});

describe('pgjdbc through the gateway', () => {
  it('gives what it gives direct, step by step; a denied statement is its 42501', async () => {
    const url = (port: number, db: string, host: string) => `jdbc:postgresql://${host}:${port}/${db}`;
    const java = (jdbcUrl: string, user: string, password: string, denyUrl?: string) =>
      run(
        'java',
        [
          '-cp',
          PGJDBC,
          join(CLIENTS, 'JdbcClient.java'),
          'session',
          jdbcUrl,
          user,
          password,
          ...(denyUrl ? [denyUrl] : []),
        ],
        password,
      );
    const token = await h.agentToken();
    const via = await java(url(h.port, 'shop', h.host), 'agent-1', token, url(h.port, 'read-only', h.host));
    const direct = await java(url(h.cluster.port, 'shop', h.cluster.host), 'postgres', h.cluster.password);
    expect(direct.map((s) => s.step)).toContain('fetch size');
    expectSameSteps(via, direct, '1000');
  }, 90_000);
});

describe('postgres.js through the gateway', () => {
  it('gives what it gives direct, step by step; a denied statement is its 42501', async () => {
    const url = (port: number, db: string, user: string, host: string) =>
      `postgres://${user}@${host}:${port}/${db}?sslmode=disable`;
    const script = join(CLIENTS, 'postgresjs_session.mjs');
    const token = await h.agentToken();
    const via = await run(
      process.execPath,
      [script, url(h.port, 'shop', 'agent-1', h.host), url(h.port, 'read-only', 'agent-1', h.host)],
      token,
    );
    const direct = await run(
      process.execPath,
      [script, url(h.cluster.port, 'shop', 'postgres', h.cluster.host)],
      h.cluster.password,
    );
    expect(direct.find((s) => s.step === 'cancel')?.value).toBe('57014');
    expect(direct.find((s) => s.step === 'cursor')?.value).toEqual([5000, expect.anything()]);
    expectSameSteps(via, direct, 1000);
  }, 60_000);
});
