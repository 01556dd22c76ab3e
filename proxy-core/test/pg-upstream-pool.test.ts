import { readFileSync } from 'node:fs';
import { byteSourceFromBytes, openRecording } from '@vigil/recordings';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../src/store/store.types';
import { cancelQueryOf, eventually, type Harness, runningUpstream, startHarness } from './support/gateway-harness';

/**
 * Upstream connections kept between sessions (`upstream.pool`), against a real PostgreSQL: what one
 * session leaves behind on its backend never reaches the next, and a backend in any doubtful state
 * is closed rather than kept.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    extraPostgres: [
      { name: 'shop-pooled', upstream: { pool: { maxIdle: 2, idleTimeoutMs: 1500 } } },
      { name: 'shop-pooled-tls', upstream: { tls: 'require', pool: { maxIdle: 1, idleTimeoutMs: 60_000 } } },
    ],
  });
  await h.cluster.query(`
    CREATE TABLE pool_rows (id int);
    CREATE ROLE pool_lowly NOLOGIN;
    GRANT pool_lowly TO ${h.cluster.roles.scram};
  `);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const backendOf = async (connection: string): Promise<{ pid: number; end(): Promise<void>; q: QueryFn }> => {
  const c = await h.client({ connection });
  const pid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
  return { pid, end: () => c.end(), q: (sql: string) => c.query(sql).then((r) => r.rows) };
};
type QueryFn = (sql: string) => Promise<Array<Record<string, unknown>>>;

const alive = async (pid: number) =>
  (await h.cluster.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length > 0;

describe('upstream pool', () => {
  it('a second session gets the backend the first one left', async () => {
    const a = await backendOf('shop-pooled');
    await a.end();
    await eventually(() => h.gateway.upstreamPool.idleCount > 0);
    const b = await backendOf('shop-pooled');
    expect(b.pid).toBe(a.pid);
    await b.end();
    // Each recording says which backend ran the session, and whether an earlier session ran on it.
    const [second, first] = await eventually(() => {
      const { sessions } = h.gateway.store.listSessions({ connection: 'shop-pooled', limit: 2 });
      return sessions.length === 2 && sessions.every((x) => x.endedAt) ? sessions : undefined;
    });
    const connected = async (session: Session) =>
      (await openRecording(byteSourceFromBytes(readFileSync(session.recording))))
        .readFrames(0, 100)
        .then((frames) =>
          frames
            .flatMap((f) => (f.kind === 'annotation' ? [f.value as { type: string }] : []))
            .find((v) => v.type === 'upstream.connected'),
        );
    expect(await connected(first as Session)).toEqual({
      type: 'upstream.connected',
      backendPid: a.pid,
      reused: false,
      tls: false,
    });
    expect(await connected(second as Session)).toEqual({
      type: 'upstream.connected',
      backendPid: a.pid,
      reused: true,
      tls: false,
    });
  });

  it('nothing a session leaves on its backend reaches the next one', async () => {
    const a = await backendOf('shop-pooled');
    await a.q(`SET statement_timeout = '4321'`);
    await a.q(`SET app.tenant_id = 'tenant-a'`); // what row-level security policies often read
    await a.q('SET ROLE pool_lowly');
    await a.q('PREPARE leftover AS SELECT 1');
    await a.q('CREATE TEMP TABLE scratch (x int)');
    await a.q('LISTEN leftover_channel');
    await a.q('SELECT pg_advisory_lock(4242)');
    await a.q('DECLARE held CURSOR WITH HOLD FOR SELECT 1');
    expect((await a.q('SELECT current_user AS u'))[0]?.u).toBe('pool_lowly');
    await a.end();
    await eventually(() => h.gateway.upstreamPool.idleCount > 0);

    const b = await backendOf('shop-pooled');
    expect(b.pid).toBe(a.pid);
    const [state] = await b.q(`
      SELECT current_user AS u,
             current_setting('statement_timeout') AS timeout,
             coalesce(current_setting('app.tenant_id', true), '') AS tenant,
             (SELECT count(*)::int FROM pg_prepared_statements) AS prepared,
             (SELECT count(*)::int FROM pg_cursors) AS cursors,
             to_regclass('pg_temp.scratch') AS temp,
             (SELECT count(*)::int FROM pg_listening_channels()) AS listening`);
    expect(state).toEqual({
      u: h.cluster.roles.scram,
      timeout: '0',
      tenant: '',
      prepared: 0,
      cursors: 0,
      temp: null,
      listening: 0,
    });
    // The advisory lock was released: another backend can take it.
    const lock = await h.cluster.query('SELECT pg_try_advisory_lock(4242) AS got');
    expect(lock.rows[0]?.got).toBe(true);
    await h.cluster.query('SELECT pg_advisory_unlock(4242)');
    await b.end();
  });

  it('sessions with other startup parameters do not share a backend', async () => {
    const a = await backendOf('shop-pooled');
    await a.end();
    await eventually(() => h.gateway.upstreamPool.idleCount > 0);
    const other = new pg.Client({
      host: h.host,
      port: h.port,
      database: 'shop-pooled',
      user: 'agent-1',
      password: await h.agentToken(),
      application_name: 'another-tool',
    });
    await other.connect();
    const [row] = (
      await other.query('SELECT pg_backend_pid() AS pid, current_setting($1) AS app', ['application_name'])
    ).rows;
    await other.end();
    expect(row.pid).not.toBe(a.pid);
    expect(row.app).toBe('another-tool');
  });

  it('a session that leaves in a transaction is not kept: its backend ends and the transaction rolls back', async () => {
    const a = await h.client({ connection: 'shop-pooled' });
    const pid = (await a.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    await a.query('BEGIN');
    await a.query('INSERT INTO pool_rows VALUES (1)');
    await a.end(); // Terminate while the transaction is open
    await eventually(async () => !(await alive(pid)));
    const rows = await h.cluster.query('SELECT count(*)::int AS n FROM pool_rows');
    expect(rows.rows[0]?.n).toBe(0);
    const b = await backendOf('shop-pooled');
    expect(b.pid).not.toBe(pid);
    await b.end();
  });

  it('a client that vanishes mid-query is not kept', async () => {
    const a = await h.client({ connection: 'shop-pooled' });
    a.on('error', () => {});
    const pid = (await a.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    a.query('SELECT pg_sleep(0.3)').catch(() => {});
    await new Promise((r) => setTimeout(r, 50));
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await eventually(async () => !(await alive(pid)));
  });

  it('a session that sent a CancelRequest is not kept: the cancel could land on the next session', async () => {
    const a = await h.client({ connection: 'shop-pooled' });
    const pid = (await a.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const sleeping = a.query('SELECT pg_sleep(30)');
    await runningUpstream(h, 'SELECT pg_sleep(30)');
    await cancelQueryOf(h, a);
    await expect(sleeping).rejects.toThrow(/cancel/i);
    expect((await a.query('SELECT 1 AS one')).rows[0].one).toBe(1); // idle again, yet not to be kept
    await a.end();
    // Closed at once, not kept until the idle timeout (1.5 s).
    await eventually(async () => !(await alive(pid)), 1000);
  });

  it('a kept backend that dies while idle is dropped, and the next session dials a new one', async () => {
    const a = await backendOf('shop-pooled');
    await a.end();
    await eventually(() => h.gateway.upstreamPool.idleCount > 0);
    await h.cluster.query('SELECT pg_terminate_backend($1)', [a.pid]);
    await eventually(() => h.gateway.upstreamPool.idleCount === 0);
    const b = await backendOf('shop-pooled');
    expect(b.pid).not.toBe(a.pid);
    expect((await b.q('SELECT 1 AS one'))[0]?.one).toBe(1);
    await b.end();
  });

  it('kept backends close after the idle timeout', async () => {
    const a = await backendOf('shop-pooled');
    await a.end();
    await eventually(() => h.gateway.upstreamPool.idleCount > 0);
    await eventually(async () => !(await alive(a.pid)), 5000);
    expect(h.gateway.upstreamPool.idleCount).toBe(0);
  });

  it('over TLS to the upstream too', async () => {
    const a = await backendOf('shop-pooled-tls');
    expect((await a.q('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))[0]?.ssl).toBe(true);
    await a.end();
    await eventually(() => h.gateway.upstreamPool.idleCount > 0);
    const b = await backendOf('shop-pooled-tls');
    expect(b.pid).toBe(a.pid);
    expect((await b.q('SELECT current_user AS u'))[0]?.u).toBe(h.cluster.roles.scram);
    await b.end();
  });

  it('without pool settings, every session has a backend of its own', async () => {
    const a = await backendOf('shop');
    await a.end();
    await eventually(async () => !(await alive(a.pid)));
    const b = await backendOf('shop');
    expect(b.pid).not.toBe(a.pid);
    await b.end();
  });
});
