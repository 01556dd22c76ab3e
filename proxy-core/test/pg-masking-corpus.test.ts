import { readFileSync } from 'node:fs';
import { byteSourceFromBytes, openRecording } from '@vigil/recordings';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOut, eventually, type Harness, startHarness } from './support/gateway-harness';
import { functionCall, messages, openHarnessWire, query } from './support/wire-client';

/**
 * Attempts to read masked values, through a real client against a real database: seeded PII must
 * never appear in any byte the client receives (checked in the replies and in the recording, which
 * holds exactly what the client received), in any form the test can recognise.
 */
const PII = [
  'ada@example.com',
  'grace.hopper@example.org',
  '4111 1111 1111 1111',
  '5555 5555 5555 4444',
  '123-45-6789',
  '219-09-9999',
  'GB82WEST12345698765432',
];

function forms(value: string): string[] {
  const digits = value.replace(/\D/g, '');
  const out = [
    value,
    value.toUpperCase(),
    [...value].reverse().join(''),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('hex'),
  ];
  if (digits.length >= 9) out.push(digits);
  return out;
}
const FORBIDDEN = PII.flatMap(forms);

const POLICY = {
  name: 'masked',
  rules: [
    {
      match: {
        statements: [
          'select',
          'show',
          'set',
          'begin',
          'commit',
          'rollback',
          'declare_cursor',
          'fetch',
          'close_cursor',
          'prepare',
          'execute',
          'deallocate',
          'copy_to',
          'explain',
        ],
      },
      action: 'allow',
    },
    { match: { functions: ['*'] }, action: 'allow' },
    { match: { statements: ['create_table'], tables: ['vault'] }, action: 'allow' },
    { match: { statements: ['insert'], tables: ['vault'] }, action: 'allow' },
    { match: { statements: ['create_table', 'insert'], tables: ['ledger'] }, action: 'allow' },
    { match: { statements: ['do', 'insert', 'update', 'delete', 'create', 'drop'] }, action: 'deny' },
  ],
  masking: {
    columns: [
      'customers.email',
      'customers.card_number',
      'customers.ssn',
      'customers.iban',
      'vault.secret',
      'ledger.secret',
    ],
    detectors: ['email', 'credit_card', 'us_ssn', 'iban', 'phone', 'jwt', 'private_key'],
    style: 'partial',
  },
};

/** Everything allowed, unparsed input too, and the same masking: masking must hold on its own. */
const OPEN_POLICY = {
  name: 'masked-open',
  rules: [
    { match: { statements: ['*'] }, action: 'allow' },
    { match: { functions: ['*'] }, action: 'allow' },
    { match: { unparsed: true }, action: 'allow' },
  ],
  masking: POLICY.masking,
};

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    policies: [POLICY, OPEN_POLICY],
    connectionPolicy: 'masked',
    extraPostgres: [{ name: 'shop-open', policy: 'masked-open' }],
  });
  await h.cluster.query(`
    CREATE TABLE customers (id int PRIMARY KEY, name text, email text, card_number text, ssn text, iban text, notes text);
    INSERT INTO customers VALUES
      (1, 'Ada', 'ada@example.com', '4111 1111 1111 1111', '123-45-6789', 'GB82WEST12345698765432', 'vip'),
      (2, 'Grace', 'grace.hopper@example.org', '5555 5555 5555 4444', '219-09-9999', 'DE89370400440532013000', 'contact grace.hopper@example.org');
    CREATE VIEW contacts AS SELECT name, email AS mail FROM customers;
  `);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const ATTEMPTS: string[] = [
  'SELECT * FROM customers',
  'SELECT email AS e, ssn AS harmless FROM customers',
  'SELECT email::varchar(100), card_number::text FROM customers',
  'SELECT lower(email), upper(ssn) FROM customers',
  'SELECT substr(ssn, 1, 3) || substr(ssn, 4) FROM customers',
  'SELECT substr(ssn, 1, 3) AS a, substr(ssn, 4, 3) AS b, substr(ssn, 8) AS c FROM customers',
  'SELECT reverse(email) FROM customers',
  "SELECT encode(convert_to(ssn, 'UTF8'), 'base64') FROM customers",
  "SELECT encode(convert_to(card_number, 'UTF8'), 'hex') FROM customers",
  'SELECT md5(ssn) FROM customers',
  'SELECT json_agg(c) FROM customers c',
  'SELECT row_to_json(c) FROM customers c',
  'SELECT array_agg(email) FROM customers',
  "SELECT string_agg(card_number, ';') FROM customers",
  'SELECT c FROM customers c',
  'SELECT (SELECT email FROM customers LIMIT 1)',
  'SELECT x FROM (SELECT ssn AS x FROM customers) sub',
  'WITH t AS (SELECT card_number AS n FROM customers) SELECT n FROM t',
  'SELECT name FROM customers UNION ALL SELECT email FROM customers',
  'SELECT * FROM contacts',
  'SELECT notes FROM customers',
  'SELECT ssn::int FROM customers',
  "SELECT CASE WHEN ssn LIKE '1%' THEN 'yes' END FROM customers",
  'SELECT count(*) FROM customers WHERE ssn = $$123-45-6789$$',
  "SELECT pg_notify('leak', email) FROM customers",
  "SELECT set_config('application_name', email, false) FROM customers",
  'SELECT to_json(array[email, ssn]) FROM customers',
  "SELECT jsonb_build_object('e', email) FROM customers",
];

async function received(c: pg.Client, sql: string): Promise<string> {
  try {
    const r = await c.query(sql);
    return JSON.stringify(r.rows);
  } catch (err) {
    const e = err as { message: string; detail?: string; hint?: string };
    return JSON.stringify({ error: e.message, detail: e.detail, hint: e.hint });
  }
}

function expectNoPii(text: string): void {
  for (const f of FORBIDDEN) expect(text, `leaked ${f}`).not.toContain(f);
}

describe('masked values never reach the client', () => {
  it.each(ATTEMPTS)('simple protocol: %s', async (sql) => {
    const c = await h.client();
    c.on('error', () => {});
    expectNoPii(await received(c, sql));
    await c.end().catch(() => {});
  });

  it.each(ATTEMPTS.filter((s) => !s.includes(';')))('extended protocol (named prepared statement): %s', async (sql) => {
    const c = await h.client();
    c.on('error', () => {});
    for (let i = 0; i < 2; i++) {
      const out = await c.query({ name: 'q', text: sql }).then(
        (r) => JSON.stringify(r.rows),
        (e: Error) => e.message,
      );
      expectNoPii(out);
    }
    await c.end().catch(() => {});
  });

  it('statements that differ only in numbers share an analysis, except where a number names a column', async () => {
    const c = await h.client();
    c.on('error', () => {});
    for (const id of [1, 2, 1]) {
      const out = await received(c, `SELECT id, name, ssn FROM customers WHERE id = ${id}`);
      expect(out).toContain(`"id":${id}`);
      expectNoPii(out);
    }
    // ORDER BY 1 sorts by id; ORDER BY 3 would sort by the masked ssn (a side channel): same shape, other verdict.
    const byId = await received(c, 'SELECT id, name, ssn FROM customers ORDER BY 1');
    expect(byId).toContain('"id":1');
    expectNoPii(byId);
    const bySsn = await received(c, 'SELECT id, name, ssn FROM customers ORDER BY 3');
    expect(bySsn).toMatch(/ORDER BY/);
    expect(bySsn).toContain('"error"');
    expectNoPii(bySsn);
    await c.end().catch(() => {});
  });

  it('each result of a session is masked by its own statement: computed columns of later ones are not lost', async () => {
    // The masker follows the session's statements up to each ReadyForQuery; had it lost step, the expressions of
    // every later statement would come back NULL (failed closed as of unknown lineage).
    const c = await h.client();
    for (let i = 0; i < 3; i++) {
      expect((await c.query('SELECT count(*)::int AS n, 40 + 2 AS answer FROM customers')).rows).toEqual([
        { n: 2, answer: 42 },
      ]);
      expect((await c.query("SELECT 'x' || $1::text AS tag", [String(i)])).rows).toEqual([{ tag: `x${i}` }]);
      const masked = JSON.stringify((await c.query('SELECT upper(email) AS e FROM customers ORDER BY id')).rows);
      expectNoPii(masked);
      expect(masked).toContain('"e":');
    }
    await c.end();
  });

  it('binary result format of a masked column is never passed raw', async () => {
    const c = await h.client();
    c.on('error', () => {});
    const out = await c.query({ text: 'SELECT email, ssn FROM customers', binary: true } as pg.QueryConfig).then(
      (r) => JSON.stringify(r.rows),
      (e: Error) => e.message,
    );
    expectNoPii(out);
    await c.end().catch(() => {});
  });

  it('COPY TO STDOUT, cursors and SQL-level PREPARE/EXECUTE', async () => {
    const c = await h.client();
    c.on('error', () => {});
    const chunks: Buffer[] = [];
    // Whatever arrived before an error counts too.
    await copyOut(c, 'COPY (SELECT * FROM customers) TO STDOUT', chunks).catch(() => {});
    expectNoPii(Buffer.concat(chunks).toString());
    await c.query('BEGIN');
    expectNoPii(await received(c, 'DECLARE cur CURSOR FOR SELECT email, ssn FROM customers'));
    expectNoPii(await received(c, 'FETCH ALL FROM cur'));
    await c.query('COMMIT').catch(() => {});
    expectNoPii(await received(c, 'PREPARE p AS SELECT card_number FROM customers'));
    expectNoPii(await received(c, 'EXECUTE p'));
    await c.end().catch(() => {});
  });

  it('errors and notices that would quote a value are masked', async () => {
    const c = await h.client();
    c.on('error', () => {});
    const notices: string[] = [];
    c.on('notice', (n) => notices.push(JSON.stringify(n)));
    expectNoPii(await received(c, 'SELECT ssn::int FROM customers'));
    expectNoPii(await received(c, "SELECT 'contact me: ada@example.com' AS note"));
    expectNoPii(notices.join('\n'));
    await c.end().catch(() => {});
  });

  it('a table created through the gateway is masked in the next session (the catalog is read again after DDL)', async () => {
    const c = await h.client();
    await c.query('CREATE TABLE vault (id int, secret text)');
    await c.query("INSERT INTO vault VALUES (1, 'the launch code is 0000-1111')");
    await c.end();
    const d = await h.client();
    const r = await d.query('SELECT secret FROM vault');
    expect(r.rows[0]?.secret).not.toContain('launch code');
    expect(r.rows[0]?.secret).toMatch(/\*/);
    await d.end();
  });

  it('a table made in a session is masked and checked in that session: the catalog is read again for it', async () => {
    const c = await h.client();
    c.on('error', () => {});
    await c.query('CREATE TABLE ledger (id int, secret text, note text)');
    await c.query("INSERT INTO ledger VALUES (1, 'the vault code is 2222-3333', 'plain note')");
    const r = await c.query('SELECT secret, note FROM ledger ORDER BY id');
    expect(r.rows[0]?.secret).not.toContain('vault code');
    expect(r.rows[0]?.secret).toMatch(/\*/);
    expect(r.rows[0]?.note).toBe('plain note');
    // Extended protocol too, and the side-channel check knows the new masked column.
    const p = await c.query({ text: 'SELECT secret FROM ledger WHERE id = $1', values: [1] });
    expect(p.rows[0]?.secret).not.toContain('vault code');
    await expect(c.query("SELECT id FROM ledger WHERE secret LIKE 'the vault%'")).rejects.toThrow(/masking/);
    // A relation that does not exist is looked up once more, then refused as before; the session goes on.
    await expect(c.query('SELECT * FROM nowhere_to_be_found')).rejects.toThrow(
      /relation public\.nowhere_to_be_found is not in the catalog/,
    );
    await expect(c.query('SELECT * FROM nowhere_to_be_found')).rejects.toThrow(/not in the catalog/);
    expect((await c.query('SELECT count(*)::int AS n FROM ledger')).rows).toEqual([{ n: 1 }]);
    await c.end();
  });

  it('a value computed from a masked column is redacted whole: no tail or length the agent arranged shows', async () => {
    const c = await h.client();
    // With the partial style, each of these showed hidden characters: the first digit, the fifth, the first three
    // letters, the digit's code as a length.
    const computed =
      "SELECT 'xxxxxxxx' || substr(ssn, 1, 1) AS d1, 'xxxxxxxx' || substr(ssn, 5, 1) AS d5, " +
      "'xxxxxxxx' || substr(email, 1, 3) AS e3, repeat('x', ascii(substr(ssn, 1, 1))) AS r FROM customers ORDER BY id";
    const rows = (await c.query(computed)).rows;
    expect(rows).toEqual([
      { d1: '****', d5: '****', e3: '****', r: '****' },
      { d1: '****', d5: '****', e3: '****', r: '****' },
    ]);
    const copied = await copyOut(c, `COPY (${computed}) TO STDOUT`);
    expect(copied.toString()).toBe('****\t****\t****\t****\n'.repeat(2));
    // The same value quoted in an error.
    c.on('error', () => {});
    await expect(c.query("SELECT ('xxxxxxxx' || substr(ssn, 1, 1))::int FROM customers")).rejects.toThrow(
      'invalid input syntax for type integer: "****"',
    );
    // The stored column itself keeps the policy's style.
    expect((await c.query('SELECT ssn FROM customers ORDER BY id')).rows[0]).toEqual({ ssn: '***-**-6789' });
    await c.end();
  });

  it('a row count, an order or a delay that a masked value decides is refused', async () => {
    const c = await h.client();
    c.on('error', () => {});
    await expect(
      c.query('SELECT count(*) FROM customers c, generate_series(1, ascii(substr(c.ssn, 1, 1))) g'),
    ).rejects.toThrow(/the row count of generate_series\(\) references masked column public\.customers\.ssn/);
    await expect(c.query("SELECT id, unnest(string_to_array(email, '.')) FROM customers")).rejects.toThrow(
      /the row count of unnest\(\)/,
    );
    await expect(c.query('SELECT pg_sleep(ascii(substr(ssn, 1, 1)) / 1000.0) FROM customers')).rejects.toThrow(
      /pg_sleep\(\)/,
    );
    // A window over a masked column sorts the rows by it: the order of the ids would tell.
    await expect(c.query('SELECT id, rank() OVER (ORDER BY ssn DESC) FROM customers')).rejects.toThrow(
      /OVER references masked column public\.customers\.ssn/,
    );
    expect((await c.query('SELECT count(*)::int AS n FROM customers, generate_series(1, 3)')).rows).toEqual([{ n: 6 }]);
    expect((await c.query('SELECT id, rank() OVER (ORDER BY id) AS r FROM customers ORDER BY id')).rows).toEqual([
      { id: 1, r: '1' },
      { id: 2, r: '2' },
    ]);
    await c.end();
  });

  it('DDL that would unmask is refused, whatever the rules allow: renames, a schema move, a computed copy', async () => {
    const c = await h.client({ connection: 'shop-open' });
    c.on('error', () => {});
    const refusals: Array<[string, RegExp]> = [
      [
        'ALTER TABLE customers RENAME COLUMN ssn TO not_ssn',
        /renaming would unmask masked column public\.customers\.ssn/,
      ],
      ['ALTER TABLE customers RENAME ssn TO not_ssn', /renaming would unmask masked column public\.customers\.ssn/],
      ['ALTER TABLE customers RENAME TO clients', /renaming would unmask masked column public\.customers\./],
      ['ALTER TABLE customers SET SCHEMA pg_temp', /moving to another schema would unmask masked column/],
      [
        'ALTER TABLE customers ADD COLUMN s2 text GENERATED ALWAYS AS (upper(ssn)) STORED',
        /ALTER TABLE writes masked column public\.customers\.ssn into public\.customers\.s2/,
      ],
      [
        'ALTER TABLE customers ALTER COLUMN name TYPE text USING ssn',
        /ALTER TABLE writes masked column public\.customers\.ssn into public\.customers\.name/,
      ],
    ];
    for (const [sql, reason] of refusals) await expect(c.query(sql), sql).rejects.toThrow(reason);
    const columns = await h.cluster.query(
      "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) AS c FROM information_schema.columns WHERE table_name = 'customers'",
    );
    expect(columns.rows[0]?.c).toBe('id,name,email,card_number,ssn,iban,notes');
    // DDL that leaves masked columns where they are runs, and a column added in the session is known at once.
    await c.query('ALTER TABLE customers ADD COLUMN extra text');
    expect((await c.query('SELECT extra, ssn FROM customers ORDER BY id')).rows[0]).toEqual({
      extra: null,
      ssn: '***-**-6789',
    });
    await c.query('ALTER TABLE customers RENAME COLUMN extra TO spare');
    await c.query('ALTER TABLE customers DROP COLUMN spare');
    await c.end();
  });

  it('code that runs later on rows is judged now: rules, triggers and row security policies cannot unmask', async () => {
    const c = await h.client({ connection: 'shop-open' });
    c.on('error', () => {});
    await c.query('CREATE TABLE drop_box (v text)');
    await c.query('CREATE TABLE bait (i int)');
    await c.query('ALTER TABLE customers ADD COLUMN tsv tsvector');
    await c.query(
      'CREATE FUNCTION copy_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO drop_box SELECT ssn FROM customers; RETURN NEW; END $$',
    );
    const refusals: Array<[string, RegExp]> = [
      [
        'CREATE RULE r AS ON INSERT TO bait DO ALSO INSERT INTO drop_box SELECT ssn FROM customers',
        /INSERT INTO public\.drop_box writes masked column public\.customers\.ssn/,
      ],
      [
        'CREATE TRIGGER t AFTER INSERT ON bait FOR EACH ROW EXECUTE FUNCTION copy_out()',
        /masking cannot follow this statement: a trigger runs copy_out\(\), which may read any table/,
      ],
      [
        "CREATE TRIGGER t BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(tsv, 'pg_catalog.simple', ssn)",
        /a trigger of tsvector_update_trigger\(\) writes masked column public\.customers\.ssn/,
      ],
      [
        "CREATE POLICY p ON customers USING (substr(ssn, 1, 1) = '1')",
        /a row security policy references masked column public\.customers\.ssn/,
      ],
    ];
    for (const [sql, reason] of refusals) await expect(c.query(sql), sql).rejects.toThrow(reason);
    // Nothing of it took: the bait fires nothing, and the drop box stays empty.
    await c.query('INSERT INTO bait VALUES (1)');
    await c.query('UPDATE customers SET name = name WHERE id = 1');
    const drop = await h.cluster.query('SELECT count(*)::int AS n FROM drop_box');
    expect(drop.rows).toEqual([{ n: 0 }]);
    const kept = await h.cluster.query(
      "SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal)::int AS triggers, (SELECT count(*) FROM pg_rules WHERE rulename = 'r')::int AS rules, (SELECT count(*) FROM pg_policy)::int AS policies",
    );
    expect(kept.rows).toEqual([{ triggers: 0, rules: 0, policies: 0 }]);
    await c.query('ALTER TABLE customers DROP COLUMN tsv');
    await c.end();
  });

  it('a fast-path function call is refused: its result has no lineage to mask by, whatever the policy allows', async () => {
    const oids = await h.cluster.query(
      "SELECT 'query_to_xml'::regproc::oid::int AS q, 'textlen'::regproc::oid::int AS t",
    );
    const { q, t } = oids.rows[0] as { q: number; t: number };
    const wire = await openHarnessWire(h, 'shop-open');
    try {
      // query_to_xml runs any query: by fast path its result would carry the SSNs as the server has them.
      wire.send(functionCall(q, ['SELECT ssn FROM customers', 'true', 'false', '']));
      await wire.readyCount(1);
      expectNoPii(wire.text());
      expect(messages(wire.text())).toEqual([
        expect.stringMatching(/^E SERROR\|VERROR\|C42501\|MVigil masking: a fast-path function call/),
        'Z I',
      ]);
      wire.clear();
      wire.send(functionCall(t, ['harmless']));
      await wire.readyCount(1);
      expect(messages(wire.text())[0]).toMatch(/^E .*fast-path function call/);
      // The session goes on, masked.
      wire.clear();
      wire.send(query('SELECT ssn FROM customers'));
      await wire.readyCount(1);
      expect(wire.text()).toContain('***-**-6789');
      expectNoPii(wire.text());
    } finally {
      wire.close();
    }
  });

  it('the recordings hold only what the clients received: no PII in any recorded byte', async () => {
    await eventually(
      () => h.gateway.store.listSessions({ limit: 500 }).sessions.every((s) => s.status !== 'live'),
      10_000,
    );
    const sessions = h.gateway.store.listSessions({ limit: 500 }).sessions;
    expect(sessions.length).toBeGreaterThan(20);
    let masked = 0;
    for (const s of sessions) {
      masked += s.masked;
      const rec = await openRecording(byteSourceFromBytes(new Uint8Array(readFileSync(s.recording))));
      const frames = await rec.readFrames(0, rec.frameCount);
      const server = frames
        .filter((f) => f.kind === 'bytes' && f.direction === 'server')
        .map((f) => Buffer.from((f as { data: Uint8Array }).data).toString('latin1'));
      expectNoPii(server.join(''));
    }
    expect(masked).toBeGreaterThan(0);
  });
});
