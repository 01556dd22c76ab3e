import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeStartup } from '../src/protocols/postgres/codec';
import { exchange, type Harness, startHarness } from './support/gateway-harness';

/**
 * Attempts to get a forbidden statement executed, sent through the gateway by a real client and
 * checked against the real database afterwards (the table is still there, the rows unchanged), not
 * only against the reply.
 */
const POLICY = {
  name: 'strict',
  rules: [
    { match: { statements: ['select', 'show', 'explain', 'begin', 'commit', 'rollback'] }, action: 'allow' },
    { match: { statements: ['insert', 'update', 'delete', 'merge', 'copy_from'] }, action: 'deny' },
    {
      match: {
        statements: [
          'drop',
          'truncate',
          'alter',
          'create',
          'grant',
          'revoke',
          'create_role',
          'alter_role',
          'alter_system',
          'do',
          'prepare',
          'execute',
          'set_role',
          'set_session_authorization',
          'copy_program',
          'copy_to',
          'call',
          'lock',
        ],
      },
      action: 'deny',
    },
    { match: { unparsed: true }, action: 'deny' },
  ],
};

let h: Harness;
const MARKER = '/tmp/vigil-corpus-pwned';

beforeAll(async () => {
  h = await startHarness({ policies: [POLICY], connectionPolicy: 'strict' });
  await h.cluster.query(`
    CREATE TABLE victims (id int PRIMARY KEY, name text);
    INSERT INTO victims SELECT g, 'v' || g FROM generate_series(1, 10) g;
    CREATE TABLE "Victims" (id int);
    CREATE FUNCTION wipe() RETURNS void LANGUAGE sql AS 'DELETE FROM victims';
    CREATE FUNCTION public.lower(t text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN DELETE FROM victims; RETURN t; END $$;
    CREATE ROLE lowly NOLOGIN;
  `);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const ATTEMPTS: Array<[string, string]> = [
  ['plain drop', 'DROP TABLE victims'],
  ['case and comments', 'dRoP/* hi */TaBlE victims'],
  ['a select then a drop in one string', 'SELECT 1; DROP TABLE victims'],
  ['a drop hidden after a comment line', '-- just a select\nSELECT 1;\nDROP TABLE victims'],
  ['CTE with DML', 'WITH gone AS (DELETE FROM victims RETURNING *) SELECT count(*) FROM gone'],
  ['CTE with update', "WITH x AS (UPDATE victims SET name = 'x' RETURNING 1) SELECT * FROM x"],
  ['DO block, static', 'DO $$ BEGIN DELETE FROM victims; END $$'],
  ['DO block, dynamic EXECUTE', "DO $$ BEGIN EXECUTE 'DEL' || 'ETE FROM victims'; END $$"],
  ['PREPARE then EXECUTE by SQL', 'PREPARE p AS DELETE FROM victims; EXECUTE p'],
  ['set_config role', "SELECT set_config('role', 'lowly', false)"],
  ['SET ROLE', 'SET ROLE lowly'],
  ['SET SESSION AUTHORIZATION', 'SET SESSION AUTHORIZATION lowly'],
  ['COPY TO PROGRAM', `COPY victims TO PROGRAM 'touch ${MARKER}'`],
  ['COPY FROM a server file', "COPY victims FROM '/etc/hostname'"],
  ['server file read in a subquery', "SELECT (SELECT pg_read_file('/etc/passwd'))"],
  ['Unicode-escaped identifier', 'DROP TABLE U&"\\0076ictims"'],
  ['EXPLAIN ANALYZE DELETE', 'EXPLAIN ANALYZE DELETE FROM victims'],
  ['a function that deletes, called in a select', 'SELECT wipe()'],
  ['truncate', 'TRUNCATE victims'],
  ['alter system', "ALTER SYSTEM SET log_statement = 'none'"],
  ['grant', 'GRANT ALL ON victims TO PUBLIC'],
  ['syntax the parser rejects', 'DROP TABLE victims;;; (('],
  ['SELECT INTO creates a table', 'SELECT * INTO stolen FROM victims'],
  ['lo_export to a server file', `SELECT lo_export(1, '${MARKER}')`],
];

describe('forbidden statements never reach the database, however they are written', () => {
  it('the refusal names the rule that denied, once, and what it denied', async () => {
    const c = await h.client();
    const err = await c.query('DELETE FROM victims').then(
      () => undefined,
      (e: { code?: string; message: string }) => e,
    );
    await c.end();
    expect(err?.code).toBe('42501');
    expect(err?.message).toBe('Vigil policy: denied by rule strict#2: delete victims');
  });

  it.each(ATTEMPTS)('%s', async (_name, sql) => {
    const c = await h.client();
    c.on('error', () => {});
    const err = await c.query(sql).then(
      () => undefined,
      (e: { code?: string; message: string }) => e,
    );
    await c.end().catch(() => {});
    expect(err?.code).toBe('42501');
    expect(err?.message).toMatch(/Vigil policy/);
    const rows = await h.cluster.query<{ n: number; names: string }>(
      "SELECT count(*)::int AS n, string_agg(name, ',' ORDER BY id) AS names FROM victims",
    );
    expect(rows.rows[0]?.n).toBe(10);
    expect(rows.rows[0]?.names).toBe(Array.from({ length: 10 }, (_, i) => `v${i + 1}`).join(','));
    const stolen = await h.cluster.query("SELECT to_regclass('public.stolen') AS t");
    expect(stolen.rows[0]?.t).toBeNull();
    expect(existsSync(MARKER)).toBe(false);
  });
});

const BENIGN: string[] = [
  "SELECT 'drop table victims' AS s",
  'SELECT $$DELETE FROM victims$$ AS s',
  '/* grant all; truncate victims */ SELECT 1',
  'SELECT 1 AS "drop table victims"',
  "SELECT name FROM victims WHERE name <> 'revoke'",
  'SELECT count(*) FROM "Victims"',
];

describe('benign statements that mention dangerous words pass untouched', () => {
  it.each(BENIGN)('%s', async (sql) => {
    const c = await h.client();
    const r = await c.query(sql);
    expect(r.rows.length).toBeGreaterThanOrEqual(1);
    await c.end();
  });
});

describe('startup options cannot set what policy judges in statements', () => {
  const connectWith = async (options: string, connection = 'shop') => {
    const c = new pg.Client({
      host: h.host,
      port: h.port,
      database: connection,
      user: 'agent-1',
      password: await h.agentToken(),
      options,
    });
    c.on('error', () => {});
    return c.connect().then(
      () => c,
      (e: { code?: string; message: string }) => e,
    );
  };

  it.each([
    ['-c role=lowly'],
    ['--session-authorization=lowly'],
    ['-c statement_timeout=0 -c role=lowly'],
    ['-c standard_conforming_strings=off'],
    ['-c default_transaction_read_only=off -F'],
  ])('%s is refused before anything reaches the upstream', async (options) => {
    const refusals = () =>
      h.gateway.store
        .listAudit({ type: 'auth.failure', limit: 10_000 })
        .filter((e) => (e.data as { code?: string }).code === 'startup_options').length;
    const before = h.canary.connections;
    const audited = refusals();
    const refused = await connectWith(options, 'canary');
    expect(refused).not.toBeInstanceOf(pg.Client);
    expect(refused).toMatchObject({
      code: '42501',
      message: expect.stringMatching(/Vigil refuses the startup options/),
    });
    expect(h.canary.connections).toBe(before);
    expect(refusals()).toBe(audited + 1);
  });

  it('a role given at startup to a real upstream is refused too, not applied', async () => {
    const refused = await connectWith('-c role=lowly');
    if (refused instanceof pg.Client) {
      const r = await refused.query('SELECT current_user AS u');
      await refused.end();
      throw new Error(`connected as ${r.rows[0].u}`);
    }
    expect(refused).toMatchObject({ code: '42501' });
  });

  it('harmless settings pass, as the upstream reads them', async () => {
    const c = await connectWith('-c statement_timeout=1234 -c search_path=pg_catalog,\\ public');
    if (!(c instanceof pg.Client)) throw new Error(`refused: ${c.message}`);
    const r = await c.query('SELECT current_setting($1) AS t, current_setting($2) AS p, current_user AS u', [
      'statement_timeout',
      'search_path',
    ]);
    await c.end();
    expect(r.rows[0]).toEqual({ t: '1234ms', p: 'pg_catalog, public', u: h.cluster.roles.scram });
  });

  // public.lower(text) deletes the victims; with public before pg_catalog, `SELECT lower('X')` — a
  // built-in call as far as policy can tell — would run it.
  const SHADOWING = 'public, pg_catalog';

  it('a search_path that puts another schema before pg_catalog is refused, in options', async () => {
    const c = await connectWith(`-c search_path=${SHADOWING.replace(' ', '\\ ')}`);
    if (c instanceof pg.Client) {
      await c.query("SELECT lower('X')").catch(() => {});
      await c.end();
    }
    expect(c).toMatchObject({ code: '42501', message: expect.stringMatching(/pg_catalog after another schema/) });
    expect((await h.cluster.query('SELECT count(*)::int AS n FROM victims')).rows[0]?.n).toBe(10);
  });

  it('… and as a startup parameter of its own', async () => {
    const reply = await exchange(h, serializeStartup({ user: 'agent-1', database: 'shop', search_path: SHADOWING }));
    expect(reply[0]).toBe(0x45); // ErrorResponse, before any password is asked for
    expect(reply.toString('latin1')).toMatch(/C42501\0.*pg_catalog after another schema/s);
    expect((await h.cluster.query('SELECT count(*)::int AS n FROM victims')).rows[0]?.n).toBe(10);
  });
});
