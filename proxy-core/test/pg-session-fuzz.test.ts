import { afterAll, beforeAll, expect, it, describe as suite } from 'vitest';
import type { Principal } from '../src/identity/identity.types';
import { serializeFlush } from '../src/protocols/postgres/codec';
import { close, describe } from '../src/protocols/postgres/codec/testing/frontend-messages';
import { openWireSession, type WireSession } from '../src/protocols/postgres/codec/testing/wire-session';
import { type Harness, startHarness } from './support/gateway-harness';
import { bind, execute, messages, openHarnessWire, parse, query, sync } from './support/wire-client';

/**
 * Random sequences of well-formed frontend messages after authentication: Parse, Bind, Execute, Describe, Close,
 * Sync, Flush and Query with names that collide, portals that do not exist, wrong parameter counts, bad values and
 * statements the policy refuses or holds. The properties:
 * - with only statements the policy allows, every answer through the gateway is the answer direct;
 * - with refused statements mixed in, or held ones that an approver denies, not one of them runs (the canary table
 *   keeps its rows), and each sequence still ends with the session in step (its closing query is answered);
 * - in a masked session, no masked value reaches the client, in any form;
 * - with the bytes mutated, the gateway neither crashes nor runs a refused statement, and goes on serving.
 * The generator is seeded; a failure names the seed and the sequence (VIGIL_FUZZ_SEED explores others).
 */
const FUZZ_POLICY = {
  name: 'fuzz',
  rules: [{ match: { statements: ['select', 'insert', 'transaction', 'deallocate'] }, action: 'allow' }],
};

/** Deletes wait for an approver (the tests deny them, or let the request expire). */
const REVIEW_POLICY = {
  name: 'review-deletes',
  rules: [
    { match: { statements: ['select', 'transaction', 'deallocate'] }, action: 'allow' },
    { match: { statements: ['delete'] }, action: 'review', approvers: { groups: ['dba'] }, timeout: '1s' },
  ],
};

/** Reads only, with a masked column: what the masker must keep out of every answer. */
const MASKED_POLICY = {
  name: 'fuzz-masked',
  rules: [
    { match: { statements: ['select', 'transaction', 'deallocate'] }, action: 'allow' },
    { match: { functions: ['*'] }, action: 'allow' },
  ],
  masking: { columns: ['fuzz_secret.ssn'], detectors: ['us_ssn'], style: 'redact' },
};
const SECRETS = ['123-45-6789', '987-65-4321', '555-12-3456'];

/** Statements over the masked column, as they are, computed, cast (a failing cast names the value) and paged. */
const MASKED_SQL = [
  'SELECT ssn FROM fuzz_secret',
  'SELECT * FROM fuzz_secret ORDER BY id',
  'SELECT id, ssn FROM fuzz_secret WHERE id > $1',
  'SELECT upper(ssn), lower(ssn) FROM fuzz_secret',
  "SELECT upper('x'), lower('y')",
  'SELECT ssn || $1 FROM fuzz_secret',
  'SELECT ssn::int FROM fuzz_secret',
  'SELECT id FROM fuzz_secret',
  'SELECT $1::text',
  'SELECT 1',
  'BEGIN',
  'COMMIT',
];

const CANARY_ROWS = 5;

const APPROVER: Principal = { sub: 'alice', groups: ['dba'], roles: ['approver'], issuer: 'test', expiresAt: 0 };

/** Statements the policy allows, each run the same way direct and through the gateway. */
const ALLOWED_SQL = [
  'SELECT 1',
  'SELECT $1::int',
  'SELECT id FROM fuzz_canary ORDER BY id',
  'SELECT id FROM fuzz_canary WHERE id > $1 ORDER BY id',
  'INSERT INTO fuzz_log VALUES (1)',
  'SELECT 1/0',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
];
const ALLOWED_QUERIES = [
  ...ALLOWED_SQL,
  'PREPARE fz AS SELECT 2',
  'DEALLOCATE fz',
  'DEALLOCATE ALL',
  'SELECT 1; SELECT 2',
];

/** Statements that would change the canary if they ran, and others the policy refuses. */
const REFUSED_SQL = [
  'DELETE FROM fuzz_canary',
  'DELETE FROM fuzz_canary WHERE id = $1',
  'WITH d AS (DELETE FROM fuzz_canary RETURNING 1) SELECT 1',
  'SELECT 1; DELETE FROM fuzz_canary',
  'TRUNCATE fuzz_canary',
  'SELEC 1',
];
const REFUSED_QUERIES = [
  ...REFUSED_SQL,
  'PREPARE fz AS DELETE FROM fuzz_canary',
  'PREPARE fz(int) AS DELETE FROM fuzz_canary WHERE id = $1',
  'EXECUTE fz',
  'EXECUTE fz(1)',
  'SELECT 1; PREPARE fz AS DELETE FROM fuzz_canary',
];

const STATEMENTS = ['', 's1', 'fz'];
const PORTALS = ['', 'p1'];
const PARAMS: string[][] = [[], ['7'], ['x'], ['1', '2']];

/** The seed a test names, or VIGIL_FUZZ_SEED's added to it (to explore other sequences: a failure names its seed). */
function fuzzSeed(base: number): number {
  return base + Number(process.env.VIGIL_FUZZ_SEED ?? 0);
}

/** Mulberry32: small, seeded, good enough to pick messages. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Step {
  label: string;
  bytes: Uint8Array;
}

/**
 * 1–10 random messages. `inBatch`: a simple Query may come inside an unfinished extended batch (legal, but the server
 * skips it after an error there, so the gateway stops trusting prepared statements); otherwise a Sync goes first.
 */
function sequence(next: () => number, sql: string[], queries: string[], inBatch = true, queryShare = 0.1): Step[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const steps: Step[] = [];
  let open = false;
  const length = 1 + Math.floor(next() * 10);
  for (let i = 0; i < length; i++) {
    // A simple Query with probability queryShare, else an extended message in the proportions below 0.9.
    const r = next() < queryShare ? 1 : next() * 0.9;
    if (r < 0.28) {
      const [name, text] = [pick(STATEMENTS), pick(sql)];
      steps.push({ label: `Parse ${JSON.stringify(name)} ${text}`, bytes: parse(name, text) });
    } else if (r < 0.48) {
      const [portal, name, params] = [pick(PORTALS), pick(STATEMENTS), pick(PARAMS)];
      steps.push({
        label: `Bind ${JSON.stringify(portal)} ${JSON.stringify(name)} ${JSON.stringify(params)}`,
        bytes: bind(portal, name, params),
      });
    } else if (r < 0.63) {
      const [portal, rows] = [pick(PORTALS), pick([0, 1])];
      steps.push({ label: `Execute ${JSON.stringify(portal)} ${rows}`, bytes: execute(portal, rows) });
    } else if (r < 0.71) {
      const [target, name] = next() < 0.5 ? (['S', pick(STATEMENTS)] as const) : (['P', pick(PORTALS)] as const);
      steps.push({ label: `Describe ${target} ${JSON.stringify(name)}`, bytes: describe(target, name) });
    } else if (r < 0.78) {
      const [target, name] = next() < 0.5 ? (['S', pick(STATEMENTS)] as const) : (['P', pick(PORTALS)] as const);
      steps.push({ label: `Close ${target} ${JSON.stringify(name)}`, bytes: close(target, name) });
    } else if (r < 0.86) {
      steps.push({ label: 'Sync', bytes: sync() });
    } else if (r < 0.9) {
      steps.push({ label: 'Flush', bytes: serializeFlush() });
    } else {
      const text = pick(queries);
      if (open && !inBatch) steps.push({ label: 'Sync', bytes: sync() });
      steps.push({ label: `Query ${text}`, bytes: query(text) });
    }
    const last = steps.at(-1)?.label ?? '';
    open = !last.startsWith('Query') && (open || !last.startsWith('Sync'));
    if (last === 'Sync') open = false;
  }
  return steps;
}

/** Ends a sequence: out of any failed batch and transaction, then a query whose answer says the session is in step. */
function closing(marker: string): Uint8Array[] {
  return [sync(), query('ROLLBACK'), query(`SELECT '${marker}'`)];
}

const READY = 'Z\0\0\0\x05';

/**
 * Sends the steps and the closing messages; the answer, once the marker's ReadyForQuery arrived. `stepwise` waits for
 * each batch's answer before sending the next, as most drivers do: then no statement name is redefined while the
 * server has not answered (a pipelined redefinition is refused as ambiguous, see prepared-statements).
 */
async function run(s: WireSession, steps: Step[], marker: string, stepwise = false): Promise<string | undefined> {
  s.clear();
  let batch: Uint8Array[] = [];
  let answered = 0;
  for (const step of steps) {
    batch.push(step.bytes);
    if (stepwise && (step.label === 'Sync' || step.label.startsWith('Query'))) {
      s.send(...batch);
      batch = [];
      await s.readyCount(++answered);
    }
  }
  s.send(...batch, ...closing(marker));
  if (!(await s.arrived(marker))) return undefined;
  const at = s.text().indexOf(marker);
  const ready = () => s.text().indexOf(READY, at);
  while (ready() < 0 && !s.closed) await new Promise((r) => setTimeout(r, 5));
  return s.text().slice(0, ready() + READY.length + 1);
}

/**
 * The sequence was answered to its end, or the gateway ended the session because a simple Query came inside an
 * unfinished extended batch (which the server may skip; no driver sends it).
 */
function inStep(s: WireSession, answer: string | undefined, what: string): void {
  if (answer !== undefined) return;
  expect(s.closed, what).toBe(true);
  expect(s.text(), what).toContain('a simple Query came inside an unfinished extended-protocol batch');
}

let h: Harness;

async function canaryRows(): Promise<number> {
  return (await h.cluster.query<{ n: number }>('SELECT count(*)::int AS n FROM fuzz_canary')).rows[0]?.n ?? -1;
}

beforeAll(async () => {
  h = await startHarness({
    policies: [FUZZ_POLICY, REVIEW_POLICY, MASKED_POLICY],
    connectionPolicy: 'fuzz',
    extraPostgres: [
      { name: 'review', policy: 'review-deletes' },
      { name: 'masked', policy: 'fuzz-masked' },
    ],
  });
  await h.cluster.query(`
    CREATE TABLE fuzz_canary (id int PRIMARY KEY);
    INSERT INTO fuzz_canary SELECT generate_series(1, ${CANARY_ROWS});
    CREATE TABLE fuzz_log (id int);
    CREATE TABLE fuzz_secret (id int PRIMARY KEY, ssn text);
    INSERT INTO fuzz_secret VALUES ${SECRETS.map((v, i) => `(${i + 1}, '${v}')`).join(', ')};
  `);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

suite('random message sequences after authentication', () => {
  it('answer through the gateway exactly as direct when the policy allows every statement', async () => {
    const seed = fuzzSeed(20261123);
    const next = random(seed);
    const via = await openHarnessWire(h);
    const direct = await openWireSession({
      host: h.cluster.host,
      port: h.cluster.port,
      user: h.cluster.roles.plain,
      database: 'shop',
      token: h.cluster.password,
    });
    try {
      for (let i = 0; i < 150; i++) {
        const steps = sequence(next, ALLOWED_SQL, ALLOWED_QUERIES, false);
        const what = `seed ${seed}, sequence ${i}:\n  ${steps.map((x) => x.label).join('\n  ')}`;
        const gateway = await run(via, steps, `end-${i}`, true);
        const server = await run(direct, steps, `end-${i}`, true);
        expect(server, what).toBeDefined();
        expect(messages(gateway), what).toEqual(messages(server));
      }
    } finally {
      via.close();
      direct.close();
    }
    expect(await canaryRows()).toBe(CANARY_ROWS);
  }, 120_000);

  it('never run a refused statement, whatever comes around it, and stay in step', async () => {
    const seed = fuzzSeed(7);
    const next = random(seed);
    let s = await openHarnessWire(h);
    try {
      for (let i = 0; i < 300; i++) {
        const steps = sequence(next, [...ALLOWED_SQL, ...REFUSED_SQL], [...ALLOWED_QUERIES, ...REFUSED_QUERIES]);
        const what = `seed ${seed}, sequence ${i}:\n  ${steps.map((x) => x.label).join('\n  ')}`;
        const answer = await run(s, steps, `end-${i}`);
        inStep(s, answer, what);
        expect(await canaryRows(), what).toBe(CANARY_ROWS);
        if (s.closed) s = await openHarnessWire(h);
      }
    } finally {
      s.close();
    }
  }, 180_000);

  it('under review, never run a statement its approver denied, whatever comes around it', async () => {
    const seed = fuzzSeed(4242);
    const next = random(seed);
    const denied = new Set<string>();
    const denying = setInterval(() => {
      for (const a of h.gateway.store.listApprovals({ status: 'pending' })) {
        h.gateway.broker.decide(a.id, APPROVER, 'deny', 'fuzz');
        denied.add(a.id);
      }
    }, 10);
    let s = await openHarnessWire(h, 'review');
    try {
      for (let i = 0; i < 150; i++) {
        const steps = sequence(
          next,
          [...ALLOWED_SQL, ...REFUSED_SQL],
          [...ALLOWED_QUERIES, ...REFUSED_QUERIES],
          true,
          0.4,
        );
        const what = `seed ${seed}, sequence ${i}:\n  ${steps.map((x) => x.label).join('\n  ')}`;
        inStep(s, await run(s, steps, `end-${i}`), what);
        expect(await canaryRows(), what).toBe(CANARY_ROWS);
        if (s.closed) s = await openHarnessWire(h, 'review');
      }
    } finally {
      clearInterval(denying);
      s.close();
    }
    expect(denied.size).toBeGreaterThan(10); // the sequences did ask, and were refused
  }, 180_000);

  it('in a masked session, never let a masked value out, whatever the order of the messages', async () => {
    const seed = fuzzSeed(31337);
    const next = random(seed);
    let s = await openHarnessWire(h, 'masked');
    let answered = 0;
    try {
      for (let i = 0; i < 200; i++) {
        // Every other sequence is pipelined, Queries inside extended batches included.
        const pipelined = i % 2 === 1;
        const steps = sequence(next, MASKED_SQL, MASKED_SQL, pipelined, 0.2);
        const what = `seed ${seed}, sequence ${i}:\n  ${steps.map((x) => x.label).join('\n  ')}`;
        const answer = await run(s, steps, `end-${i}`, !pipelined);
        inStep(s, answer, what);
        const seen = s.text();
        for (const secret of SECRETS) {
          expect(seen.includes(secret), `${what}\nleaked ${secret}`).toBe(false);
          expect(seen.includes(secret.replaceAll('-', '')), `${what}\nleaked ${secret}`).toBe(false);
        }
        if (/D\0\0\0/.test(seen)) answered++;
        if (s.closed) s = await openHarnessWire(h, 'masked');
      }
    } finally {
      s.close();
    }
    expect(answered).toBeGreaterThan(50); // rows did come back, masked
  }, 180_000);

  it('in a masked session, mask by what the server kept when it refused to redefine a statement', async () => {
    const s = await openHarnessWire(h, 'masked');
    const answers: string[] = [];
    try {
      const batches: Uint8Array[][] = [
        [parse('secret', 'SELECT upper(ssn) FROM fuzz_secret'), parse('plain', "SELECT upper('x')"), sync()],
        // 42P05: "secret" stays the upper(ssn) the server has, whatever the client sent last.
        [parse('secret', "SELECT upper('x')"), sync()],
        [bind('', 'secret'), describe('P', ''), execute(''), sync()],
        // A named portal lives to the end of the transaction: binding it again fails (42P03), which also aborts the
        // transaction, so the first portal cannot be run either (25P02).
        [query('BEGIN')],
        [bind('p1', 'secret'), sync()],
        [bind('p1', 'plain'), sync()],
        [describe('P', 'p1'), execute('p1'), sync()],
        [query('ROLLBACK')],
      ];
      for (const batch of batches) {
        s.clear();
        s.send(...batch);
        await s.readyCount(1);
        answers.push(messages(s.text()).join(' / '));
      }
    } finally {
      s.close();
    }
    const seen = answers.join('\n');
    expect(seen).toMatch(/C42P05/);
    expect(seen).toMatch(/C42P03/);
    expect(seen).toMatch(/C25P02/);
    for (const secret of SECRETS) expect(seen).not.toContain(secret);
    expect(answers.filter((a) => a.includes('D ')).length).toBe(1); // the kept statement's rows came back, masked
  });

  it('with bytes flipped, cut or repeated, neither crash nor run a refused statement', async () => {
    const seed = fuzzSeed(99);
    const next = random(seed);
    for (let i = 0; i < 120; i++) {
      const steps = sequence(next, [...ALLOWED_SQL, ...REFUSED_SQL], [...ALLOWED_QUERIES, ...REFUSED_QUERIES]);
      const bytes = Buffer.concat(steps.map((x) => x.bytes));
      const mutated = Buffer.from(bytes);
      const r = next();
      const at = Math.floor(next() * bytes.length);
      let change: string;
      let sent: Buffer;
      if (r < 0.5) {
        mutated[at] = Math.floor(next() * 256);
        change = `byte ${at} set to ${mutated[at]}`;
        sent = mutated;
      } else if (r < 0.75) {
        change = `cut at ${at}`;
        sent = mutated.subarray(0, at);
      } else {
        change = `bytes from ${at} repeated`;
        sent = Buffer.concat([mutated, mutated.subarray(at)]);
      }
      const what = `seed ${seed}, sequence ${i} (${change}):\n  ${steps.map((x) => x.label).join('\n  ')}`;
      const s = await openHarnessWire(h);
      s.send(sent, ...closing(`end-${i}`));
      // A length made larger waits for bytes that never come: the answer is not awaited, only that nothing ran.
      await s.arrived(`end-${i}`, 300).catch(() => false);
      s.close();
      expect(await canaryRows(), what).toBe(CANARY_ROWS);
    }
    const c = await h.client();
    expect((await c.query('SELECT count(*)::int AS n FROM fuzz_canary')).rows[0].n).toBe(CANARY_ROWS);
    await c.end();
  }, 180_000);

  it('judge a prepared name as what the server kept, when the server refused to redefine it or skipped its Close', async () => {
    // PREPARE and Parse of a DELETE only prepare (its runs are held); then the client names the same statement again.
    const before = new Set(h.gateway.store.listApprovals({}).map((a) => a.id));
    const s = await openHarnessWire(h, 'review');
    try {
      const attempts: Array<{ what: string; send: Uint8Array[] }> = [
        { what: 'SQL PREPARE', send: [query('PREPARE x AS DELETE FROM fuzz_canary')] },
        { what: 'SQL PREPARE again (42P05 at the server)', send: [query('PREPARE x AS SELECT 1')] },
        { what: 'EXECUTE', send: [query('EXECUTE x')] },
        { what: 'Parse', send: [parse('y', 'DELETE FROM fuzz_canary'), sync()] },
        { what: 'Parse again (42P05 at the server)', send: [parse('y', 'SELECT 1'), sync()] },
        { what: 'Bind', send: [bind('', 'y'), execute(''), sync()] },
        // A Close behind an error in its batch is skipped: y is still the DELETE.
        { what: 'failing Bind, then Close', send: [bind('', 'y', ['1']), close('S', 'y'), sync()] },
        { what: 'Parse after the skipped Close', send: [parse('y', 'SELECT 1'), sync()] },
        { what: 'Bind after it', send: [bind('', 'y'), execute(''), sync()] },
      ];
      const answers: string[] = [];
      for (const a of attempts) {
        s.clear();
        s.send(...a.send);
        await s.readyCount(1);
        answers.push(`${a.what}: ${messages(s.text()).join(' / ')}`);
      }
      expect(await canaryRows(), answers.join('\n')).toBe(CANARY_ROWS);
      for (const run of ['EXECUTE', 'Bind', 'Bind after it'])
        expect(answers.find((x) => x.startsWith(`${run}:`))).toMatch(/held for approval.*statement not approved/);
      expect(answers.find((x) => x.startsWith('SQL PREPARE again'))).toMatch(/C42P05/);
      // The approver is shown what runs, not the text of the Parse the server refused.
      const asked = h.gateway.store
        .listApprovals({})
        .filter((a) => !before.has(a.id))
        .map((a) => a.statement);
      expect(asked.sort()).toEqual([...Array(3).fill('DELETE FROM fuzz_canary'), 'EXECUTE x']);
    } finally {
      s.close();
    }
  }, 30_000);
});
