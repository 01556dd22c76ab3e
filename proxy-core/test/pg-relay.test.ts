import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClient } from './support/client-process';
import {
  cancelQueryOf,
  copyOut,
  eventually,
  type Harness,
  runningUpstream,
  startHarness,
} from './support/gateway-harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.cluster.query(`
    CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2));
    INSERT INTO items SELECT g, 'item ' || g, g * 1.5 FROM generate_series(1, 100) g;
    CREATE TABLE notes (id serial PRIMARY KEY, body text);
  `);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

/** Runs psql against the gateway (or direct). */
async function psql(
  sql: string,
  opts: { direct?: boolean; connection?: string; token?: string } = {},
): Promise<{ out: string; err: string; status: number | null }> {
  const conninfo = opts.direct
    ? `host=${h.cluster.host} port=${h.cluster.port} dbname=shop user=postgres`
    : `host=${h.host} port=${h.port} dbname=${opts.connection ?? 'shop'} user=agent-1 sslmode=disable`;
  const r = await runClient('psql', [conninfo, '-X', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    ...process.env,
    PGPASSWORD: opts.token ?? '',
    PGCONNECT_TIMEOUT: '10',
  });
  return { out: r.stdout, err: r.stderr, status: r.code };
}

describe('PostgreSQL clients through the gateway, compared with the same work direct', () => {
  it('psql: a query and \\d catalog queries give the same output', async () => {
    const token = await h.agentToken();
    for (const sql of ['SELECT id, name, price FROM items ORDER BY id LIMIT 5', '\\d items', '\\dt']) {
      const via = await psql(sql, { token });
      const direct = await psql(sql, { direct: true });
      expect(via.err).toBe('');
      expect(via.status).toBe(0);
      expect(via.out).toBe(direct.out);
    }
  });

  it('pg: simple and extended queries, named prepared statements', async () => {
    const c = await h.client();
    try {
      const simple = await c.query('SELECT count(*)::int AS n FROM items');
      expect(simple.rows[0].n).toBe(100);
      const extended = await c.query('SELECT name FROM items WHERE id = $1', [42]);
      expect(extended.rows).toEqual([{ name: 'item 42' }]);
      for (let i = 1; i <= 3; i++) {
        const r = await c.query({ name: 'by-id', text: 'SELECT id, price FROM items WHERE id = $1', values: [i] });
        expect(r.rows[0]).toEqual({ id: i, price: (i * 1.5).toFixed(2) });
      }
    } finally {
      await c.end();
    }
  });

  it('every upstream authentication method works with the stored credential', async () => {
    for (const connection of ['shop', 'shop-md5', 'shop-plain', 'shop-trust']) {
      const c = await h.client({ connection });
      const r = await c.query('SELECT current_user AS u');
      expect(r.rows[0].u).toMatch(/^vigil_/);
      await c.end();
    }
  });

  it('TLS on both legs: client → gateway (self-signed) and gateway → upstream (tls: require)', async () => {
    const c = await h.client({ connection: 'shop-tls' });
    const r = await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(r.rows[0].ssl).toBe(true);
    await c.end();
  });

  it('COPY in and out', async () => {
    const c = await h.client();
    try {
      await pipeline(
        Readable.from(['1\tcopied one\n', '2\tcopied two\n']),
        c.query(copyFrom('COPY notes (id, body) FROM STDIN')),
      );
      expect((await copyOut(c, 'COPY notes TO STDOUT')).toString()).toBe('1\tcopied one\n2\tcopied two\n');
    } finally {
      await c.end();
    }
  });

  it('cancel: pg_sleep is cancelled through the gateway-issued key', async () => {
    const c = await h.client();
    try {
      const sleeping = c.query('SELECT pg_sleep(30)');
      await runningUpstream(h, 'SELECT pg_sleep(30)');
      const started = Date.now();
      await cancelQueryOf(h, c);
      await expect(sleeping).rejects.toThrow(/cancel/i);
      expect(Date.now() - started).toBeLessThan(10_000);
      const after = await c.query('SELECT 1 AS one');
      expect(after.rows[0].one).toBe(1);
    } finally {
      await c.end();
    }
  });

  it('LISTEN/NOTIFY between two agent sessions', async () => {
    const listener = await h.client();
    const notifier = await h.client();
    try {
      await listener.query('LISTEN orders_channel');
      const got = new Promise<pg.Notification>((resolve) => listener.on('notification', resolve));
      await notifier.query("NOTIFY orders_channel, 'order 7 shipped'");
      const n = await got;
      expect(n.channel).toBe('orders_channel');
      expect(n.payload).toBe('order 7 shipped');
    } finally {
      await listener.end();
      await notifier.end();
    }
  });

  it('a 1M-row result arrives whole and in order', async () => {
    const c = await h.client();
    try {
      const r = await c.query({
        text: 'SELECT g AS n, md5(g::text) AS h FROM generate_series(1, 1000000) g',
        rowMode: 'array',
      });
      expect(r.rows.length).toBe(1_000_000);
      expect(r.rows[999_999]).toEqual([1_000_000, expect.any(String)]);
      let sum = 0;
      for (const row of r.rows) sum += row[0] as number;
      expect(sum).toBe(500000500000);
    } finally {
      await c.end();
    }
  });

  it('an error mid-transaction behaves as direct: the transaction aborts, rollback recovers', async () => {
    const c = await h.client();
    try {
      await c.query('BEGIN');
      await c.query("INSERT INTO notes (id, body) VALUES (100, 'in tx')");
      await expect(c.query('SELECT 1/0')).rejects.toThrow(/division by zero/);
      await expect(c.query('SELECT 1')).rejects.toThrow(/current transaction is aborted/);
      await c.query('ROLLBACK');
      const r = await c.query("SELECT count(*)::int AS n FROM notes WHERE body = 'in tx'");
      expect(r.rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
  });

  it('pgbench -S in simple, extended and prepared modes', async () => {
    await runPgbench(['-i', '-s', '1', '-q'], true);
    const token = await h.agentToken();
    for (const mode of ['simple', 'extended', 'prepared']) {
      const out = await runPgbench(['-S', '-c', '4', '-j', '2', '-t', '200', '-M', mode, '-n'], false, token);
      expect(out).toMatch(/number of transactions actually processed: 800\/800/);
      expect(out).toMatch(/number of failed transactions: 0/);
    }
  });

  it('a session that turns standard_conforming_strings off is ended (policy could no longer read its SQL)', async () => {
    const c = await h.client();
    c.on('error', () => {});
    await expect(c.query('SET standard_conforming_strings = off')).rejects.toThrow(/standard_conforming_strings/);
    await c.end().catch(() => {});
  });

  it('backpressure: a slow client reading a huge result keeps gateway memory flat', async () => {
    const token = await h.agentToken();
    const socket = connect({ host: h.host, port: h.port });
    await new Promise((r) => socket.once('connect', r));
    const startup = Buffer.from('\0\0\0\0\0\x03\0\0user\0agent-1\0database\0shop\0\0', 'latin1');
    startup.writeInt32BE(startup.length, 0);
    const pw = Buffer.concat([Buffer.from('p\0\0\0\0'), Buffer.from(`${token}\0`)]);
    pw.writeInt32BE(pw.length - 1, 1);
    socket.write(startup);
    await new Promise((r) => setTimeout(r, 50));
    socket.write(pw);
    const RFQ = Buffer.from([0x5a, 0, 0, 0, 5]);
    let seen = Buffer.alloc(0);
    await new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        seen = Buffer.concat([seen, d]);
        if (seen.includes(RFQ)) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
    });
    // ~120 MB of rows, read at a crawl: without backpressure the gateway would hold most of it.
    const sql = "SELECT repeat('x', 1000) FROM generate_series(1, 120000)";
    const q = Buffer.concat([Buffer.from('Q\0\0\0\0'), Buffer.from(`${sql}\0`)]);
    q.writeInt32BE(q.length - 1, 1);
    const before = process.memoryUsage().rss;
    let peak = before;
    let received = 0;
    socket.write(q);
    await new Promise<void>((resolve) => {
      socket.on('data', (d: Buffer) => {
        received += d.length;
        peak = Math.max(peak, process.memoryUsage().rss);
        if (d.subarray(-6).includes(RFQ)) resolve();
        socket.pause();
        setTimeout(() => socket.resume(), 2);
      });
    });
    socket.destroy();
    expect(received).toBeGreaterThan(120_000_000);
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('the upstream ending a session (pg_terminate_backend) reaches the client and ends the session', async () => {
    const c = await h.client({ connection: 'shop-plain' });
    c.on('error', () => {});
    await c.query("SET application_name = 'to-be-terminated'");
    await h.cluster.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'to-be-terminated'",
    );
    await expect(c.query('SELECT 1')).rejects.toThrow();
    const ended = await eventually(() =>
      h.gateway.store
        .listSessions({ connection: 'shop-plain', limit: 5 })
        .sessions.find((s) => s.status !== 'live' && /upstream/.test(s.endReason ?? '')),
    );
    expect(ended.endReason).toMatch(/upstream closed/);
  });

  it('every session is in the store with its counters, and its recording seals', async () => {
    const c = await h.client();
    await c.query('SELECT 42');
    await c.end();
    const session = await eventually(() =>
      h.gateway.store.listSessions({ limit: 1 }).sessions.find((s) => s.status === 'ended'),
    );
    expect(session.protocol).toBe('postgres');
    expect(session.principal).toBe('agent-1');
    expect(session.bytesIn).toBeGreaterThan(0);
    expect(session.bytesOut).toBeGreaterThan(0);
    expect(session.frames).toBeGreaterThan(4);
    expect(session.finalHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

function runPgbench(args: string[], direct: boolean, token = ''): Promise<string> {
  const conn = direct
    ? ['-h', h.cluster.host, '-p', String(h.cluster.port), '-U', 'postgres', 'shop']
    : ['-h', h.host, '-p', String(h.port), '-U', 'agent-1', 'shop'];
  return new Promise((resolve, reject) => {
    const p = spawn('pgbench', [...args, ...conn], {
      env: { ...process.env, PGPASSWORD: token, PGSSLMODE: 'disable' },
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench exited ${code}: ${out}`))));
  });
}
