import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClient } from './support/client-process';
import { eventually, type Harness, startHarness } from './support/gateway-harness';

/**
 * pg_dump through the gateway under a read-only policy: what it sends first, `set_config('search_path', '', false)`,
 * is the SET it stands for, so a policy that allows reads, SET, transactions, the ACCESS SHARE locks pg_dump takes and
 * COPY TO lets a dump through, and the dump equals the one taken direct.
 */
const DUMP_POLICY = {
  name: 'dump',
  rules: [
    {
      match: {
        statements: ['select', 'show', 'set', 'reset', 'begin', 'commit', 'rollback', 'lock_access_share', 'copy_to'],
      },
      action: 'allow',
    },
    { match: { unparsed: true }, action: 'deny' },
  ],
};

/** The same reads, without `set`: the dump's first statement is refused like `SET search_path = ''` would be. */
const NO_SET_POLICY = {
  name: 'no-set',
  rules: [
    {
      match: { statements: ['select', 'show', 'begin', 'commit', 'rollback', 'lock_access_share', 'copy_to'] },
      action: 'allow',
    },
  ],
};

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    policies: [DUMP_POLICY, NO_SET_POLICY],
    connectionPolicy: 'dump',
    extraPostgres: [{ name: 'no-set', policy: 'no-set' }],
  });
  await h.cluster.query(`
    CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE);
    CREATE TABLE books (id serial PRIMARY KEY, author int REFERENCES authors(id), title text, price numeric(8,2) CHECK (price > 0));
    CREATE INDEX books_title ON books (lower(title));
    CREATE VIEW cheap AS SELECT title FROM books WHERE price < 10;
    INSERT INTO authors SELECT g, 'author ' || g, 'a' || g || '@example.com' FROM generate_series(1, 50) g;
    INSERT INTO books (author, title, price) SELECT 1 + g % 50, 'book ' || g, 1 + g % 40 FROM generate_series(1, 500) g;
  `);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

/** Runs pg_dump against the gateway or direct. */
function pgDump(args: string[], opts: { direct?: boolean; connection?: string; token?: string } = {}) {
  const conninfo = opts.direct
    ? `host=${h.cluster.host} port=${h.cluster.port} dbname=shop user=postgres`
    : `host=${h.host} port=${h.port} dbname=${opts.connection ?? 'shop'} user=agent-1 sslmode=disable`;
  return runClient('pg_dump', [...args, '-d', conninfo], {
    ...process.env,
    PGPASSWORD: opts.token ?? '',
    PGCONNECT_TIMEOUT: '10',
  });
}

/** pg_dump writes a random key into `\restrict` / `\unrestrict` lines (15.14 and later); the rest must match. */
function comparable(dump: string): string {
  return dump
    .split('\n')
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .join('\n');
}

describe('pg_dump through the gateway', () => {
  it('a schema-only dump equals the one taken direct', async () => {
    const via = await pgDump(['--schema-only'], { token: await h.agentToken() });
    expect(via.stderr).toBe('');
    expect(via.code).toBe(0);
    const direct = await pgDump(['--schema-only'], { direct: true });
    expect(direct.code).toBe(0);
    expect(comparable(via.stdout)).toBe(comparable(direct.stdout));
    expect(via.stdout).toContain('CREATE TABLE public.books');
    expect(via.stdout).toContain('CREATE VIEW public.cheap');
  });

  it('a full dump, with the rows by COPY TO STDOUT, equals the one taken direct', async () => {
    const via = await pgDump(['--table=authors', '--table=books'], { token: await h.agentToken() });
    expect(via.stderr).toBe('');
    expect(via.code).toBe(0);
    const direct = await pgDump(['--table=authors', '--table=books'], { direct: true });
    expect(comparable(via.stdout)).toBe(comparable(direct.stdout));
    expect(via.stdout).toContain('COPY public.books (id, author, title, price) FROM stdin;');
    expect(via.stdout).toContain('50\tauthor 50\ta50@example.com');
  });

  it('is recorded: its set_config() as a set, its LOCKs and COPYs as themselves, all allowed', async () => {
    const before = new Set(h.gateway.store.listSessions({ limit: 100 }).sessions.map((s) => s.id));
    const via = await pgDump(['--table=books'], { token: await h.agentToken() });
    expect(via.code).toBe(0);
    const session = await eventually(() =>
      h.gateway.store.listSessions({ limit: 100 }).sessions.find((s) => !before.has(s.id) && s.endedAt !== null),
    );
    expect(session.status).toBe('ended');
    const commands = h.gateway.store.commands(session.id);
    const actionsOf = (prefix: string) => commands.find((c) => c.text.startsWith(prefix));
    expect(actionsOf('SELECT pg_catalog.set_config')).toMatchObject({
      decision: 'allow',
      actions: expect.arrayContaining([expect.stringMatching(/^set → allow/)]),
    });
    expect(actionsOf('SELECT set_config(name')).toMatchObject({
      decision: 'allow',
      actions: expect.arrayContaining([expect.stringMatching(/^set → allow/)]),
    });
    expect(actionsOf('LOCK TABLE')).toMatchObject({
      decision: 'allow',
      actions: [expect.stringMatching(/^lock_access_share public\.books → allow/)],
    });
    expect(actionsOf('COPY public.books')).toMatchObject({
      decision: 'allow',
      actions: [expect.stringMatching(/^copy_to public\.books → allow/)],
    });
    expect(commands.every((c) => c.decision === 'allow')).toBe(true);
  });

  it('the lock a dump needs is not one that stops the table: LOCK TABLE in ACCESS EXCLUSIVE mode is refused', async () => {
    const c = await h.client();
    try {
      await c.query('BEGIN');
      for (const [sql, kind] of [
        ['LOCK TABLE books', 'lock_access_exclusive'],
        ['LOCK TABLE books IN SHARE MODE', 'lock_share'],
      ] as const) {
        const err = await c.query(sql).then(
          () => undefined,
          (e: { code?: string; message: string }) => e,
        );
        expect(err?.code).toBe('42501');
        expect(err?.message).toBe(`Vigil policy: denied: no rule matches ${kind} books (fail closed)`);
        await c.query('ROLLBACK');
        await c.query('BEGIN');
      }
      await c.query('LOCK TABLE books IN ACCESS SHARE MODE');
      const held = await h.cluster.query<{ mode: string }>(
        "SELECT mode FROM pg_locks WHERE relation = 'public.books'::regclass AND granted",
      );
      expect(held.rows.map((r) => r.mode)).toEqual(['AccessShareLock']);
      await c.query('COMMIT');
    } finally {
      await c.end();
    }
  });

  it('under a policy without `set`, its first statement is refused by name, and nothing is dumped', async () => {
    const via = await pgDump(['--schema-only'], { token: await h.agentToken(), connection: 'no-set' });
    expect(via.code).not.toBe(0);
    expect(via.stderr).toContain('Vigil policy: denied: no rule matches set (fail closed)');
    expect(via.stdout).not.toContain('CREATE TABLE');
  });
});
