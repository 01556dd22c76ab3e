import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session, SessionFilter, Store } from './store.types';
import { openTempStore, type TempStore } from './temp-store';

const PRINCIPALS = ['agent-a', 'agent-b', 'agent-c'];
const CONNECTIONS = ['orders-db', 'build-host', 'billing-api'];
const PROTOCOLS = ['postgres', 'ssh', 'http'] as const;
const T0 = Date.parse('2030-01-01T00:00:00Z');

let temp: TempStore;
let store: Store;
let all: Session[];

beforeAll(() => {
  temp = openTempStore();
  store = temp.store;
  for (let i = 0; i < 1000; i++) {
    // Groups of 4 sessions share a start time, so pages break ties on id.
    const s = store.createSession({
      protocol: PROTOCOLS[i % 3] ?? 'postgres',
      connection: CONNECTIONS[i % 3] ?? '',
      principal: PRINCIPALS[(i % 7) % 3] ?? '',
      groups: ['ai-agents'],
      clientAddr: '127.0.0.1:1',
      upstream: 'up',
      startedAt: new Date(T0 + Math.floor(i / 4) * 60_000).toISOString(),
      recording: `r/${i}.vrec`,
    });
    if (i % 5 === 0)
      store.endSession(s.id, { endedAt: s.startedAt, status: 'ended', endReason: null, finalHash: null });
    if (i % 10 === 0)
      store.addCommand(s.id, { frame: 1, tUs: 1, text: `SELECT * FROM customers -- ${i}`, decision: 'allow' });
    if (i % 100 === 0)
      store.addCommand(s.id, {
        frame: 2,
        tUs: 2,
        text: 'DELETE FROM "Müller_Straße" WHERE x NEAR(1)',
        decision: 'deny',
      });
    if (i === 500)
      store.addCommand(s.id, { frame: 3, tUs: 3, text: "SELECT '顧客リスト 🔥' AS t, 100% done", decision: 'allow' });
  }
  all = store.listSessions({ limit: 500 }).sessions;
  all = all.concat(store.listSessions({ limit: 500, cursor: store.listSessions({ limit: 500 }).nextCursor }).sessions);
});
afterAll(() => temp.remove());

function pageThrough(filter: SessionFilter, limit: number): Session[] {
  const seen: Session[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = store.listSessions({ ...filter, limit, ...(cursor === undefined ? {} : { cursor }) });
    expect(page.sessions.length).toBeLessThanOrEqual(limit);
    seen.push(...page.sessions);
    cursor = page.nextCursor;
    if (cursor === undefined) return seen;
  }
  throw new Error('pagination did not end');
}

function newestFirst(a: Session, b: Session): number {
  return b.startedAt.localeCompare(a.startedAt) || (a.id < b.id ? 1 : -1);
}

describe('listSessions keyset pagination', () => {
  it('returns every session once, newest first, across pages', () => {
    expect(all).toHaveLength(1000);
    expect([...all].sort(newestFirst).map((s) => s.id)).toEqual(all.map((s) => s.id));
    const paged = pageThrough({}, 37);
    expect(paged.map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(store.listSessions().sessions).toHaveLength(50);
    expect(store.listSessions({ limit: 10_000 }).sessions).toHaveLength(500);
  });

  const since = new Date(T0 + 50 * 60_000).toISOString();
  const until = new Date(T0 + 200 * 60_000).toISOString();
  it.each<[string, SessionFilter, (s: Session) => boolean]>([
    ['principal', { principal: 'agent-b' }, (s) => s.principal === 'agent-b'],
    ['connection', { connection: 'build-host' }, (s) => s.connection === 'build-host'],
    ['protocol + status', { protocol: 'ssh', status: 'ended' }, (s) => s.protocol === 'ssh' && s.status === 'ended'],
    ['since/until', { since, until }, (s) => s.startedAt >= since && s.startedAt < until],
    ['principal + q', { principal: 'agent-a', q: 'customers' }, (s) => s.principal === 'agent-a' && hasCustomers(s)],
  ])('filters by %s with the same order and count', (_name, filter, keep) => {
    const expected = all.filter(keep).map((s) => s.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(pageThrough(filter, 23).map((s) => s.id)).toEqual(expected);
    expect(store.countSessions(filter)).toBe(expected.length);
  });

  it('uses the (started_at, id) index for the first page and for a principal filter', () => {
    const raw = new BetterSqlite3(temp.path, { readonly: true });
    const plan = (sql: string) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('a', 'b', 'c') as { detail: string }[]).map((r) => r.detail).join();
    const keyset = 'WHERE principal = ? AND (started_at, id) < (?, ?) ORDER BY started_at DESC, id DESC LIMIT 50';
    expect(plan(`SELECT * FROM sessions ${keyset}`)).toMatch(/INDEX sessions_by_principal/);
    expect(plan(`SELECT * FROM sessions ${keyset}`)).not.toMatch(/TEMP B-TREE/);
    raw.close();
  });
});

function hasCustomers(s: Session): boolean {
  return Number(s.recording.slice(2, -5)) % 10 === 0;
}

function sessionIndexes(q: string): number[] {
  return pageThrough({ q }, 500)
    .map((s) => Number(s.recording.slice(2, -5)))
    .sort((a, b) => a - b);
}

describe('listSessions full-text search over commands', () => {
  const hundreds = Array.from({ length: 10 }, (_, k) => k * 100);
  it('matches case-insensitive substrings, all words required', () => {
    expect(sessionIndexes('CUSTOMERS')).toHaveLength(100);
    const tens = Array.from({ length: 100 }, (_, k) => k * 10);
    expect(sessionIndexes('custom -- 50')).toEqual(tens.filter((i) => String(i).includes('50')));
    expect(sessionIndexes('delete customers')).toEqual([]);
    expect(sessionIndexes('nothing-like-this')).toEqual([]);
  });

  it.each([
    ['"', hundreds],
    ['"Müller_Straße"', hundreds],
    ['muller', hundreds],
    ['NEAR(', hundreds],
    ['NEAR(1)', hundreds],
    ['x NEAR(1)', hundreds],
    ['*', [...Array.from({ length: 100 }, (_, k) => k * 10)]],
    ['customers*', []],
    ['OR', []],
    ['AND NOT', []],
    ['text:customers', []],
    ['-- ', Array.from({ length: 100 }, (_, k) => k * 10)],
    ['100%', [500]],
    ['_', hundreds],
    ['顧客', [500]],
    ['顧客リスト', [500]],
    ['🔥', [500]],
    ["'; DROP TABLE sessions; --", []],
    ['\\', []],
  ])('treats %j as literal text', (q, expected) => {
    expect(sessionIndexes(q)).toEqual(expected);
    expect(store.countSessions({ q })).toBe(expected.length);
  });

  it('ignores blank search text and refuses oversized input with a clear error', () => {
    expect(store.countSessions({ q: '   ' })).toBe(1000);
    expect(store.countSessions({ q: '\u0000\u0007' })).toBe(1000);
    expect(() => store.listSessions({ q: 'a'.repeat(5000) })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });
});
