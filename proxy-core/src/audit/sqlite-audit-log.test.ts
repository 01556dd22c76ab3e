import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../logger';
import { openSqliteStore } from '../store/sqlite-store';
import { openTempStore, type TempStore } from '../store/temp-store';
import { GENESIS_HASH, verifyAuditChain } from './audit-chain';
import { sha256Hex } from './node-sha256';

let temp: TempStore | undefined;
afterEach(() => {
  temp?.remove();
  temp = undefined;
});

function open(): TempStore {
  temp = openTempStore({ now: () => new Date('2030-01-01T00:00:00.000Z') });
  return temp;
}

describe('sqlite audit log', () => {
  it('appends a hash chain starting at the genesis hash', () => {
    const { store } = open();
    expect(store.auditHead()).toEqual({ seq: 0, hash: GENESIS_HASH });
    const first = store.appendAudit({ type: 'auth.success', actor: 'agent-7', connection: 'orders-db' });
    const second = store.appendAudit({
      type: 'statement',
      actor: 'agent-7',
      sessionId: 's1',
      data: { sql: 'SELECT 1', skipped: undefined },
      time: '2030-01-01T01:00:00+01:00',
    });
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, data: {}, time: '2030-01-01T00:00:00.000Z' });
    expect(first).not.toHaveProperty('sessionId');
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, data: { sql: 'SELECT 1' } });
    expect(store.auditHead()).toEqual({ seq: 2, hash: second.hash });
    expect(store.listAudit()).toEqual([first, second]);
    expect(verifyAuditChain(store.listAudit(), { sha256Hex })).toMatchObject({ ok: true, checked: 2 });
  });

  it('filters and pages the log in seq order', () => {
    const { store } = open();
    for (let i = 0; i < 30; i++) {
      store.appendAudit({
        type: i % 3 === 0 ? 'session.start' : 'statement',
        actor: 'a',
        ...(i % 2 === 0 ? { sessionId: 'even' } : {}),
        time: new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString(),
      });
    }
    expect(store.listAudit({ limit: 5, afterSeq: 10 }).map((e) => e.seq)).toEqual([11, 12, 13, 14, 15]);
    expect(store.listAudit({ untilSeq: 3 }).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(store.listAudit({ type: 'session.start' })).toHaveLength(10);
    expect(store.listAudit({ sessionId: 'even', type: 'session.start' }).map((e) => e.seq)).toEqual([1, 7, 13, 19, 25]);
    expect(store.listAudit({ since: '2030-01-01T00:25:00Z' }).map((e) => e.seq)).toEqual([26, 27, 28, 29, 30]);
  });

  it('refuses data that is not plain JSON with a StoreError', () => {
    const { store } = open();
    expect(() => store.appendAudit({ type: 'x', actor: 'a', data: { when: new Date() } })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    expect(() => store.appendAudit({ type: '', actor: 'a' })).toThrow(/type is required/);
    expect(store.auditHead().seq).toBe(0);
  });

  it('refuses UPDATE and DELETE of audit rows at the database level', () => {
    const { store, path } = open();
    store.appendAudit({ type: 'x', actor: 'a' });
    const raw = new BetterSqlite3(path);
    expect(() => raw.prepare("UPDATE audit_events SET actor = 'b'").run()).toThrow('audit_events is append-only');
    expect(() => raw.prepare('DELETE FROM audit_events').run()).toThrow('audit_events is append-only');
    raw.close();
  });

  it('detects a row edited behind the store, and puts the triggers back on the next open', () => {
    const { store, path } = open();
    for (let i = 0; i < 10; i++) store.appendAudit({ type: 'statement', actor: 'agent-7', data: { i } });
    const raw = new BetterSqlite3(path);
    raw.exec('DROP TRIGGER audit_events_no_update');
    raw.prepare(`UPDATE audit_events SET data_json = '{"i":999}' WHERE seq = 6`).run();
    raw.close();

    const result = verifyAuditChain(store.listAudit(), { sha256Hex });
    expect(result).toMatchObject({ ok: false, checked: 5, firstBadSeq: 6 });
    expect(result.problem).toMatch(/hash mismatch/);

    const lines: string[] = [];
    const reopened = openSqliteStore({ path, logger: createLogger({ write: (l) => lines.push(l) }) });
    reopened.close();
    expect(lines.join('')).toMatch(/append-only triggers were missing/);
    const check = new BetterSqlite3(path);
    expect(() => check.prepare("UPDATE audit_events SET actor = 'b'").run()).toThrow('append-only');
    check.close();
  });

  it('keeps one chain when two store instances on one file interleave appends', () => {
    const { store, path } = open();
    const other = openSqliteStore({ path, logger: silentLogger });
    for (let i = 0; i < 100; i++) (i % 3 === 0 ? other : store).appendAudit({ type: 't', actor: `w${i % 3}` });
    other.close();
    const events = store.listAudit({ limit: 1000 });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(verifyAuditChain(events, { sha256Hex })).toMatchObject({ ok: true, checked: 100 });
  });

  it('keeps one chain when four processes append to one file at the same moment', async () => {
    const { store, path } = open();
    const fixture = fileURLToPath(new URL('./concurrent-append.fixture.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const startAt = Date.now() + 1500;
    const writers = ['p1', 'p2', 'p3', 'p4'];
    await Promise.all(
      writers.map((w) =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, path, w, '250', String(startAt)], {
          cwd: root,
        }),
      ),
    );
    const events = store.listAudit({ limit: 10_000 });
    expect(events).toHaveLength(1000);
    expect(verifyAuditChain(events, { sha256Hex })).toMatchObject({ ok: true, checked: 1000 });
    for (const w of writers) expect(events.filter((e) => e.actor === w)).toHaveLength(250);
    // The writers really overlapped: the chain interleaves them rather than holding four solid runs.
    const switches = events.filter((e, i) => i > 0 && events[i - 1]?.actor !== e.actor).length;
    expect(switches).toBeGreaterThan(writers.length);
  });
});
