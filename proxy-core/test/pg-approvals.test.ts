import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalError } from '../src/approvals/approval-broker';
import type { Principal } from '../src/identity/identity.types';
import type { ApprovalRequest } from '../src/store/store.types';
import { runClient } from './support/client-process';
import { cancelQueryOf, eventually, type Harness, startHarness } from './support/gateway-harness';
import { bind, execute, openHarnessWire, query, sync } from './support/wire-client';

const CLIENTS = join(dirname(fileURLToPath(import.meta.url)), 'clients');

let h: Harness;
let hook: Server;
const hookCalls: Array<{ body: string; signature: string | undefined }> = [];
const HOOK_SECRET = 'webhook-shared-secret';

const REVIEW_POLICY = {
  name: 'review-writes',
  rules: [
    { match: { statements: ['select', 'show', 'set', 'begin', 'commit', 'rollback'] }, action: 'allow' },
    {
      match: { statements: ['insert', 'update', 'delete'], tables: ['slow_review'] },
      action: 'review',
      approvers: { groups: ['dba'], count: 1 },
      timeout: '1s',
    },
    {
      match: { statements: ['insert', 'update', 'delete'], tables: ['two_keys'] },
      action: 'review',
      approvers: { groups: ['dba'], count: 2 },
      timeout: '1m',
    },
    {
      match: { statements: ['insert', 'update', 'delete'] },
      action: 'review',
      approvers: { groups: ['dba'], count: 1 },
      timeout: '1m',
    },
    { match: { statements: ['drop', 'truncate'] }, action: 'deny' },
  ],
};

/** Every run of a statement on `paged` is held, reads included (connection `review-runs`). */
const RUNS_POLICY = {
  name: 'review-runs',
  rules: [
    {
      match: { statements: ['select', 'insert', 'delete'], tables: ['paged'] },
      action: 'review',
      approvers: { groups: ['dba'], count: 1 },
      timeout: '1m',
    },
    { match: { statements: ['select', 'begin', 'commit', 'rollback', 'set', 'show'] }, action: 'allow' },
  ],
};

const approver = (sub: string): Principal => ({
  sub,
  groups: ['dba'],
  roles: ['approver'],
  issuer: 'test',
  expiresAt: 0,
});

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hookCalls.push({ body, signature: req.headers['x-vigil-signature'] as string | undefined });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  h = await startHarness({
    policies: [REVIEW_POLICY, RUNS_POLICY],
    connectionPolicy: 'review-writes',
    extraPostgres: [{ name: 'review-runs', policy: 'review-runs' }],
    extraConfig: {
      approvals: {
        webhook: {
          url: `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`,
          secretEnv: 'HOOK_SECRET',
        },
      },
    },
    env: { HOOK_SECRET },
  });
  await h.cluster.query(
    'CREATE TABLE orders (id int PRIMARY KEY, note text); CREATE TABLE slow_review (id int); CREATE TABLE two_keys (id int); CREATE TABLE paged (id int); INSERT INTO paged SELECT generate_series(1, 100)',
  );
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await new Promise((r) => hook?.close(r));
});

async function pendingFor(statement: RegExp): Promise<ApprovalRequest> {
  return eventually(() =>
    h.gateway.store.listApprovals({ status: 'pending' }).find((a) => statement.test(a.statement)),
  );
}

async function count(sql: string): Promise<number> {
  const r = await h.cluster.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`);
  return r.rows[0]?.n ?? -1;
}

/** Runs a mode of test/clients/JdbcClient.java as agent-1 on the connection `review-runs`. */
function jdbcClient(mode: string, token: string, arg: string) {
  const url = `jdbc:postgresql://${h.host}:${h.port}/review-runs`;
  const args = ['-cp', '/usr/share/java/postgresql.jar', join(CLIENTS, 'JdbcClient.java'), mode, url, 'agent-1'];
  return runClient('java', [...args, token, arg], process.env);
}

/**
 * Runs `client` while approving, as alice, every pending request whose statement matches; gives the client's result
 * and the requests approved, in order.
 */
async function approving<T>(
  statement: RegExp,
  client: () => Promise<T>,
): Promise<{ result: T; approved: ApprovalRequest[] }> {
  const approved: ApprovalRequest[] = [];
  const timer = setInterval(() => {
    for (const a of h.gateway.store.listApprovals({ status: 'pending' }))
      if (statement.test(a.statement)) {
        h.gateway.broker.decide(a.id, approver('alice'), 'approve', '');
        approved.push(a);
      }
  }, 20);
  try {
    return { result: await client(), approved };
  } finally {
    clearInterval(timer);
  }
}

describe('just-in-time approval of single statements', () => {
  it('approve: the held statement runs exactly once, then the session goes on', async () => {
    const c = await h.client();
    const notices: string[] = [];
    c.on('notice', (n) => notices.push(n.message ?? ''));
    const insert = c.query("INSERT INTO orders VALUES (1, 'approved')");
    const request = await pendingFor(/VALUES \(1, 'approved'\)/);
    expect(await count('orders')).toBe(0); // held: nothing reached the upstream
    h.gateway.broker.decide(request.id, approver('alice'), 'approve', 'looks fine');
    await insert;
    expect(await count("orders WHERE note = 'approved'")).toBe(1);
    expect(notices.join('\n')).toContain(request.id);
    const after = await c.query('SELECT count(*)::int AS n FROM orders');
    expect(after.rows[0].n).toBe(1);
    await c.end();
  });

  it("deny: the agent gets 42501 with the approver's reason; nothing changed", async () => {
    const c = await h.client();
    const insert = c.query("INSERT INTO orders VALUES (2, 'denied')");
    const request = await pendingFor(/VALUES \(2, 'denied'\)/);
    h.gateway.broker.decide(request.id, approver('alice'), 'deny', 'not during the freeze');
    await expect(insert).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('not during the freeze'),
    });
    expect(await count('orders WHERE id = 2')).toBe(0);
    const r = await c.query('SELECT 1 AS ok');
    expect(r.rows[0].ok).toBe(1);
    await c.end();
  });

  it('timeout: an undecided statement expires and is refused', async () => {
    const c = await h.client();
    await expect(c.query('INSERT INTO slow_review VALUES (1)')).rejects.toMatchObject({
      code: '42501',
      message: expect.stringMatching(/timed out/),
    });
    expect(await count('slow_review')).toBe(0);
    expect(h.gateway.store.listApprovals({ status: 'expired' }).length).toBeGreaterThan(0);
    await c.end();
  });

  it('a client that disconnects while held cancels the request', async () => {
    const c = await h.client();
    c.on('error', () => {}); // the test cuts the connection itself
    c.query("INSERT INTO orders VALUES (3, 'abandoned')").catch(() => {});
    const request = await pendingFor(/VALUES \(3, 'abandoned'\)/);
    (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await eventually(() => h.gateway.store.getApproval(request.id)?.status === 'cancelled');
    expect(() => h.gateway.broker.decide(request.id, approver('alice'), 'approve', '')).toThrow(ApprovalError);
    expect(await count('orders WHERE id = 3')).toBe(0);
  });

  it('a cancel request (Ctrl-C) withdraws the held statement: 57014, request cancelled, the session goes on', async () => {
    const c = await h.client();
    const insert = c.query("INSERT INTO orders VALUES (4, 'withdrawn')").then(
      () => undefined,
      (e: { code?: string; message: string }) => e,
    );
    const request = await pendingFor(/VALUES \(4, 'withdrawn'\)/);
    await cancelQueryOf(h, c);
    const err = await insert;
    expect(err?.code).toBe('57014');
    expect(err?.message).toContain(`Vigil withdrew approval request ${request.id}`);
    expect(h.gateway.store.getApproval(request.id)?.status).toBe('cancelled');
    expect(() => h.gateway.broker.decide(request.id, approver('alice'), 'approve', '')).toThrow(ApprovalError);
    expect(await count('orders WHERE id = 4')).toBe(0);
    // Nothing ran upstream, so the cancel stopped at the gateway: it cannot land on the next statement.
    expect(h.logs.some((l) => l.includes('cancel request withdrew a statement held for approval'))).toBe(true);
    expect(h.logs.some((l) => l.includes('"msg":"cancel request forwarded"'))).toBe(false);
    const r = await c.query('SELECT count(*)::int AS n, 1 AS ok FROM generate_series(1, 3000000)');
    expect(r.rows[0].ok).toBe(1);
    await c.end();
  });

  it('two approvers required: one approval is not enough', async () => {
    const c = await h.client();
    const insert = c.query('INSERT INTO two_keys VALUES (7)');
    const request = await pendingFor(/two_keys/);
    h.gateway.broker.decide(request.id, approver('alice'), 'approve', '');
    await new Promise((r) => setTimeout(r, 300));
    expect(await count('two_keys')).toBe(0);
    expect(() => h.gateway.broker.decide(request.id, approver('alice'), 'approve', '')).toThrow(/already voted/);
    h.gateway.broker.decide(request.id, approver('bob'), 'approve', '');
    await insert;
    expect(await count('two_keys')).toBe(1);
    await c.end();
  });

  it('self-approval is refused', async () => {
    const c = await h.client();
    const insert = c.query("INSERT INTO orders VALUES (4, 'self')");
    const request = await pendingFor(/VALUES \(4, 'self'\)/);
    const self: Principal = {
      sub: 'agent-1',
      groups: ['dba', 'ai-agents'],
      roles: ['approver', 'agent'],
      issuer: 'test',
      expiresAt: 0,
    };
    expect(() => h.gateway.broker.decide(request.id, self, 'approve', 'me')).toThrow(/own request/);
    h.gateway.broker.decide(request.id, approver('alice'), 'deny', 'no');
    await expect(insert).rejects.toMatchObject({ code: '42501' });
    await c.end();
  });

  it('statements pipelined behind a held one wait for it and keep their order', async () => {
    const wire = await openHarnessWire(h);
    // Three statements in one write: the INSERT is held, the two SELECTs behind it must wait.
    wire.send(
      query("INSERT INTO orders VALUES (10, 'pipelined')"),
      query('SELECT 111'),
      query('SELECT count(*) FROM orders WHERE id = 10'),
    );
    const request = await pendingFor(/pipelined/);
    await new Promise((r) => setTimeout(r, 200));
    expect(wire.text()).not.toContain('111'); // nothing behind the held one ran
    h.gateway.broker.decide(request.id, approver('alice'), 'approve', '');
    await wire.readyCount(3);
    const text = wire.text();
    expect(text.indexOf('INSERT 0 1')).toBeGreaterThan(-1);
    expect(text.indexOf('INSERT 0 1')).toBeLessThan(text.indexOf('111'));
    // The last SELECT saw the approved row: order was kept.
    expect(text.slice(text.lastIndexOf('D'))).toContain('1');
    wire.close();
  });

  it('psql: the agent is told at once that its statement waits, then gets its result', async () => {
    const token = await h.agentToken();
    const p = spawn(
      'psql',
      [
        `host=${h.host} port=${h.port} dbname=shop user=agent-1 sslmode=disable`,
        '-X',
        '-c',
        "UPDATE orders SET note = 'via psql' WHERE id = 1",
      ],
      {
        env: { ...process.env, PGPASSWORD: token },
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const request = await pendingFor(/via psql/);
    await eventually(() => err.includes(request.id));
    h.gateway.broker.decide(request.id, approver('alice'), 'approve', '');
    await new Promise((r) => p.on('close', r));
    expect(out).toContain('UPDATE 1');
    expect(await count("orders WHERE note = 'via psql'")).toBe(1);
  });

  it('a denied statement fails with 42501 naming the rule; the table is still there', async () => {
    const c = await h.client();
    await expect(c.query('DROP TABLE orders')).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('review-writes#5'),
    });
    expect(await count('orders')).toBeGreaterThan(0);
    await c.end();
  });

  it('each new pending request calls the webhook with an HMAC-signed body', async () => {
    await eventually(() => hookCalls.length > 0);
    const call = hookCalls[0] as { body: string; signature: string | undefined };
    const expected = `sha256=${createHmac('sha256', HOOK_SECRET).update(call.body).digest('hex')}`;
    expect(call.signature).toBe(expected);
    const payload = JSON.parse(call.body) as { type: string; approval: { id: string; statement: string } };
    expect(payload.type).toBe('approval.requested');
    expect(payload.approval.statement).toMatch(/INSERT INTO orders/);
  });

  it('every approval transition is in the audit log', () => {
    const types = new Set(h.gateway.store.listAudit({ limit: 10_000 }).map((e) => e.type));
    for (const t of ['approval.requested', 'approval.decided', 'statement']) expect(types).toContain(t);
  });
});

describe('the extended protocol: one approval per run of a statement', () => {
  it('psycopg 3 prepares in a batch of its own: each execution is held once, the prepare not at all', async () => {
    const token = await h.agentToken();
    const { result: r, approved } = await approving(/paged/, () =>
      runClient(
        '/usr/bin/python3',
        [
          join(CLIENTS, 'psycopg_prepared.py'),
          `host=${h.host} port=${h.port} dbname=review-runs user=agent-1`,
          '1',
          '2',
        ],
        { ...process.env, PGPASSWORD: token, PGSSLMODE: 'disable' },
      ),
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('98');
    expect(approved.map((a) => a.statement)).toEqual([
      'DELETE FROM paged WHERE id = $1',
      'DELETE FROM paged WHERE id = $1',
      'SELECT count(*) FROM paged',
    ]);
    expect(await count('paged')).toBe(98);
    // The approver saw the value each run deleted.
    const runs = h.gateway.store.listApprovals({}).filter((a) => a.statement.startsWith('DELETE FROM paged'));
    expect(runs.map((a) => a.runs)).toEqual([[['2']], [['1']]]); // psycopg sends them as binary int2
    // The Parse was judged (and audited) too, as allowed to prepare, its runs held.
    const prepared = h.gateway.store
      .listAudit({ type: 'statement', limit: 10_000 })
      .map((e) => e.data as { via: string; text: string; reason: string })
      .filter((d) => d.via === 'parse' && d.text.startsWith('DELETE FROM paged'));
    expect(prepared.length).toBeGreaterThan(0);
    expect(prepared.every((d) => d.reason.endsWith('held when it runs'))).toBe(true);
  });

  it('pgjdbc fetching a result in pages is asked once per run, not once per page', async () => {
    const token = await h.agentToken();
    const { result: r, approved } = await approving(/FROM paged/, () => jdbcClient('pages', token, '2'));
    expect(r.stderr).toBe('');
    // 55 of the first 57 ids are left after the test above; each run read all of them, ten rows a page.
    expect(r.stdout.trim().split('\n')).toEqual(['55', '55']);
    expect(approved.map((a) => a.statement)).toEqual([
      'SELECT id FROM paged WHERE id <= $1 ORDER BY id',
      'SELECT id FROM paged WHERE id <= $1 ORDER BY id',
    ]);
  }, 60_000);

  it('a JDBC batch is one approval, which shows and covers the values of every row the client sent', async () => {
    const token = await h.agentToken();
    const { result: r, approved } = await approving(/paged/, () => jdbcClient('batch', token, '50'));
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('100');
    expect(approved.map((a) => a.statement)).toEqual([
      'INSERT INTO paged (id) VALUES ($1)',
      'INSERT INTO paged (id) VALUES ($1)',
      'SELECT count(*) FROM paged WHERE id > 1000',
    ]);
    expect(await count('paged WHERE id > 1000')).toBe(100);
    // pgjdbc sends the ids as binary int4: shown as the numbers they are.
    const ids = (from: number) => Array.from({ length: 50 }, (_, i) => [String(from + i)]);
    expect(approved.slice(0, 2).map((a) => a.runs)).toEqual([ids(1001), ids(1051)]);
  }, 60_000);

  it('an SQL PREPARE is not held; a Bind or an EXECUTE of it is judged as what it runs, each time', async () => {
    const wire = await openHarnessWire(h);
    // The PREPARE runs nothing: it is not held (each run of it is) …
    const before = h.gateway.store.listApprovals({}).length;
    wire.send(query('PREPARE gone (int) AS DELETE FROM orders WHERE id = $1'));
    await wire.readyCount(1);
    expect(wire.text()).toContain('PREPARE');
    expect(h.gateway.store.listApprovals({}).length).toBe(before);
    wire.clear();
    // … and the protocol cannot run it unasked: the Bind is held, judged as the DELETE it runs.
    await h.cluster.query("INSERT INTO orders VALUES (20, 'kept')");
    wire.send(bind('', 'gone', ['20']), execute(), sync());
    const held = await pendingFor(/^EXECUTE "gone"$/);
    expect(held.actions).toContain('delete orders → review (review-writes#4)');
    expect(await count('orders WHERE id = 20')).toBe(1);
    h.gateway.broker.decide(held.id, approver('alice'), 'deny', 'not this one');
    await wire.readyCount(1);
    expect(wire.text()).toContain('not this one');
    expect(await count('orders WHERE id = 20')).toBe(1);
    // EXECUTE by SQL is one run: one approval, then it runs.
    wire.clear();
    wire.send(query('EXECUTE gone(20)'));
    const run = await pendingFor(/^EXECUTE gone\(20\)$/);
    expect(run.actions).toContain('delete orders → review (review-writes#4)');
    h.gateway.broker.decide(run.id, approver('alice'), 'approve', '');
    await wire.readyCount(1);
    expect(wire.text()).toContain('DELETE 1');
    expect(await count('orders WHERE id = 20')).toBe(0);
    expect(h.gateway.store.listApprovals({}).length).toBe(before + 2);
    wire.close();
  });
});
