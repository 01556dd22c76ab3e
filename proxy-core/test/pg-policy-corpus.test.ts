import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/gateway-harness';

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
