import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/identity/identity.types';
import { type Harness, startHarness } from './support/gateway-harness';
import { bind, execute, messages, openHarnessWire, parse, query, sync } from './support/wire-client';

/**
 * A statement Vigil refuses fails where it stands, as a statement the server refused would: the transaction (or the
 * extended-protocol batch, an implicit transaction) it is part of fails too, and nothing before it commits.
 */
const POLICY = {
  name: 'refusals',
  rules: [
    { match: { statements: ['select', 'insert', 'transaction'] }, action: 'allow' },
    { match: { statements: ['update'] }, action: 'review', approvers: { groups: ['dba'] }, timeout: '30s' },
  ],
};

/** The same, with a masked column: the statement standing in for a refused one passes the result masker too. */
const MASKED = { ...POLICY, name: 'refusals-masked', masking: { columns: ['ledger.note'], style: 'redact' } };

const APPROVER: Principal = { sub: 'alice', groups: ['dba'], roles: ['approver'], issuer: 'test', expiresAt: 0 };

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    policies: [POLICY, MASKED],
    connectionPolicy: 'refusals',
    extraPostgres: [{ name: 'masked', policy: 'refusals-masked' }],
  });
  await h.cluster.query('CREATE TABLE ledger (id int PRIMARY KEY, note text)');
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

async function ledgerRows(): Promise<number> {
  return (await h.cluster.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')).rows[0]?.n ?? -1;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { code?: string; message: string }) => e,
  );

describe('a refused statement fails its transaction', () => {
  it('denied inside BEGIN … COMMIT: the transaction is aborted and COMMIT rolls back what came before', async () => {
    const c = await h.client();
    try {
      await c.query('BEGIN');
      await c.query("INSERT INTO ledger VALUES (1, 'debit')");
      const denied = await failure(c.query('DELETE FROM ledger'));
      expect(denied).toMatchObject({ code: '42501', message: expect.stringMatching(/^Vigil policy: denied/) });
      // As after any error in a transaction block: every statement is refused until it ends.
      expect(await failure(c.query('SELECT 1'))).toMatchObject({ code: '25P02' });
      const end = await c.query('COMMIT');
      expect(end.command).toBe('ROLLBACK');
    } finally {
      await c.end();
    }
    expect(await ledgerRows()).toBe(0);
  });

  it('denied in an extended batch: the rows the batch inserted before it are not committed', async () => {
    const s = await openHarnessWire(h);
    try {
      s.send(
        parse('', "INSERT INTO ledger VALUES (2, 'batched')"),
        bind('', ''),
        execute(''),
        parse('', 'DELETE FROM ledger'),
        bind('', ''),
        execute(''),
        sync(),
        query('SELECT 1'),
      );
      await s.readyCount(2);
      const answer = s.text();
      expect(answer).toContain('Vigil policy: denied');
      // One error only, Vigil's; the batch's INSERT completed, then failed with it.
      expect(messages(answer).filter((m) => m.startsWith('E '))).toEqual([
        expect.stringMatching(/^E SERROR\|VERROR\|C42501\|MVigil policy: denied/),
      ]);
      expect(answer).not.toContain('vigil_refused');
    } finally {
      s.close();
    }
    expect(await ledgerRows()).toBe(0);
  });

  it('not approved inside a transaction: the transaction is aborted', async () => {
    const c = await h.client();
    const denying = setInterval(() => {
      for (const a of h.gateway.store.listApprovals({ status: 'pending' }))
        h.gateway.broker.decide(a.id, APPROVER, 'deny', 'not now');
    }, 20);
    try {
      await c.query('BEGIN');
      await c.query("INSERT INTO ledger VALUES (3, 'before the update')");
      const denied = await failure(c.query("UPDATE ledger SET note = 'changed'"));
      expect(denied).toMatchObject({ code: '42501', message: expect.stringMatching(/statement not approved/) });
      expect((await c.query('COMMIT')).command).toBe('ROLLBACK');
    } finally {
      clearInterval(denying);
      await c.end();
    }
    expect(await ledgerRows()).toBe(0);
  });

  it('outside a transaction, a refusal is answered at once and the session goes on', async () => {
    const c = await h.client();
    try {
      expect(await failure(c.query('DELETE FROM ledger'))).toMatchObject({ code: '42501' });
      await c.query("INSERT INTO ledger VALUES (4, 'after')");
      expect((await c.query('SELECT count(*)::int AS n FROM ledger')).rows[0].n).toBe(1);
    } finally {
      await c.end();
    }
  });

  it('in a masked session too: the transaction is aborted, and later results are masked as before', async () => {
    const c = await h.client({ connection: 'masked' });
    try {
      await c.query('BEGIN');
      await c.query("INSERT INTO ledger VALUES (5, 'secret note')");
      expect((await c.query('SELECT note FROM ledger WHERE id = 5')).rows[0].note).not.toContain('secret');
      expect(await failure(c.query('DELETE FROM ledger'))).toMatchObject({ code: '42501' });
      expect(await failure(c.query('SELECT 1'))).toMatchObject({ code: '25P02' });
      expect((await c.query('COMMIT')).command).toBe('ROLLBACK');
      expect((await c.query('SELECT count(*)::int AS n FROM ledger WHERE id = 5')).rows[0].n).toBe(0);
      await c.query("INSERT INTO ledger VALUES (6, 'another secret')");
      expect((await c.query('SELECT note FROM ledger WHERE id = 6')).rows[0].note).not.toContain('secret');
    } finally {
      await c.end();
    }
  });
});
