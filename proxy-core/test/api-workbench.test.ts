import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture, USERS } from '../src/api/testing/api-fixture';
import type { PostgresConnectionConfig } from '../src/config/config';
import { silentLogger } from '../src/logger';
import { openRecordedSession } from '../src/pipeline/open-recorded-session';
import { createPolicyGate } from '../src/pipeline/policy-gate';
import { createSqlInterpreter } from '../src/pipeline/sql-interpreter';
import { compilePolicy, createClassificationCache, initSqlClassifier, policySchema } from '../src/policy';
import { CancelRegistry } from '../src/protocols/postgres/cancel-registry';
import { type PgListener, startPgListener } from '../src/protocols/postgres/pg-listener';
import { createUpstreamPool } from '../src/protocols/postgres/upstream-pool';
import { freePort, type PgCluster, startPgCluster } from './support/pg-cluster';

interface Result {
  columns: { name: string }[];
  rows: (string | null)[][];
  truncated: boolean;
  command: string | null;
  error: { code: string; message: string } | null;
  sessionId: string | null;
}

/**
 * The workbench runs SQL through the gateway's own PostgreSQL listener as the signed-in human: here a real
 * listener (the same PgSession, pipeline, recorder and SQL policy gate as the gateway) in front of a real cluster.
 */
describe('control API: workbench through the gateway listener', () => {
  let cluster: PgCluster;
  let listener: PgListener;
  let f: ApiFixture;

  beforeAll(async () => {
    cluster = await startPgCluster({ database: 'shop' });
    await cluster.query('CREATE TABLE items (id int primary key, name text)');
    await cluster.query("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 12000) g");
    await initSqlClassifier();
    const port = await freePort();
    f = await startApiFixture({ postgresAddress: { host: '127.0.0.1', port } });
    const policy = compilePolicy(
      policySchema.parse({
        name: 'wb',
        rules: [
          { match: { statements: ['select', 'show', 'set'] }, action: 'allow' },
          { match: { statements: ['drop', 'truncate'] }, action: 'deny' },
          { match: { unparsed: true }, action: 'deny' },
        ],
      }),
    );
    const connection = {
      name: 'shop',
      type: 'postgres',
      policy: 'wb',
      upstream: {
        host: cluster.host,
        port: cluster.port,
        database: 'shop',
        user: cluster.roles.trust,
        tls: 'disable',
        connectTimeoutMs: 5000,
      },
    } as PostgresConnectionConfig;
    const classifier = createClassificationCache({ maxEntries: 100 });
    const cancels = new CancelRegistry();
    listener = await startPgListener({
      host: '127.0.0.1',
      port,
      maxSessions: 100,
      logger: silentLogger,
      cancels,
      deps: {
        logger: silentLogger,
        maxMessageBytes: 1 << 20,
        maxStatementBytes: 1 << 20,
        authTimeoutMs: 5000,
        tls: undefined,
        findConnection: (name) => (name === 'shop' ? connection : undefined),
        upstreamTarget: (c) => ({ ...c.upstream, password: undefined, maxMessageSize: 2 ** 30 }),
        upstreams: createUpstreamPool({ logger: silentLogger }),
        verifyToken: (token) => f.verifier.verify(token),
        authFailed: () => {},
        openSession: (input) => openRecordedSession(f.pipeline, input),
        gateFor: async (session) =>
          createPolicyGate({
            policy,
            session,
            interpreter: createSqlInterpreter({ classifier, builtinFunctions: undefined }),
            broker: f.broker,
            store: f.temp.store,
            logger: silentLogger,
            approvalsUrl: 'x',
          }),
        maskerFor: async () => undefined,
        cancels,
      },
    });
  });
  afterAll(async () => {
    await f?.close();
    await listener?.close();
    await cluster?.stop();
  });

  const run = async (sql: string, headers: Record<string, string>, connection = 'shop') => {
    const res = await f.post('/api/workbench/query', { connection, sql }, headers);
    expect(res.status).toBe(200);
    return (await res.json()) as Result;
  };

  it('runs a query as the signed-in admin, recorded as that human’s session', async () => {
    const { cookie, csrf } = await f.demoSignIn();
    const headers = { cookie, 'x-csrf-token': csrf };
    const result = await run('select id, name, null as nothing from items where id <= 2 order by id', headers);
    expect(result).toMatchObject({
      columns: [{ name: 'id' }, { name: 'name' }, { name: 'nothing' }],
      rows: [
        ['1', 'item 1', null],
        ['2', 'item 2', null],
      ],
      truncated: false,
      command: 'SELECT',
      error: null,
    });
    const session = f.temp.store.getSession(result.sessionId ?? '');
    expect(session).toMatchObject({ principal: 'demo-admin', connection: 'shop', status: 'live' });
    // The same connection serves the next query.
    expect((await run('select 1 as one', headers)).sessionId).toBe(result.sessionId);
    expect(f.temp.store.listAudit({ type: 'workbench.query' }).at(-1)).toMatchObject({
      actor: 'demo-admin',
      connection: 'shop',
    });
    // Its statements are searchable like any session's (command rows are written with each recording chunk).
    const end = Date.now() + 5000;
    let found: string[] = [];
    while (!found.includes(result.sessionId ?? '') && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
      found = f.temp.store.listSessions({ q: 'from items where' }).sessions.map((s) => s.id);
    }
    expect(found).toContain(result.sessionId);
  });

  it('is policy-checked like an agent: a denied statement comes back as 42501', async () => {
    const result = await run('drop table items', await bearer(f, USERS.admin));
    expect(result.error).toMatchObject({ code: '42501' });
    expect(result.rows).toEqual([]);
    expect(Number((await cluster.query('select count(*) as n from items')).rows[0]?.n)).toBe(12000);
  });

  it('caps the rows and says so; keeps the last result of several statements', async () => {
    const admin = await bearer(f, USERS.admin);
    const big = await run('select id from items order by id', admin);
    expect(big.rows).toHaveLength(10_000);
    expect(big.truncated).toBe(true);
    const multi = await run('select 1 as a; select 2 as b, 3 as c', admin);
    expect(multi).toMatchObject({ columns: [{ name: 'b' }, { name: 'c' }], rows: [['2', '3']] });
  });

  it('answers SQL errors and unknown connections clearly', async () => {
    const admin = await bearer(f, USERS.admin);
    const bad = await run('select * from no_such_table', admin);
    expect(bad.error).toMatchObject({ code: '42P01' });
    expect((await f.post('/api/workbench/query', { connection: 'nope', sql: 'select 1' }, admin)).status).toBe(404);
    expect((await f.post('/api/workbench/query', { connection: 'shop', sql: '  ' }, admin)).status).toBe(400);
    // Approvers may not use the workbench.
    expect(
      (await f.post('/api/workbench/query', { connection: 'shop', sql: 'select 1' }, await bearer(f, USERS.approver)))
        .status,
    ).toBe(403);
  });

  it('closes the human’s connection on sign-out, ending the recorded session', async () => {
    const { cookie, csrf } = await f.demoSignIn();
    const headers = { cookie, 'x-csrf-token': csrf };
    const { sessionId } = await run('select 1', headers);
    await f.post('/auth/logout', {}, headers);
    const end = Date.now() + 5000;
    while (f.temp.store.getSession(sessionId ?? '')?.status === 'live' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(f.temp.store.getSession(sessionId ?? '')?.status).toBe('ended');
  });
});
