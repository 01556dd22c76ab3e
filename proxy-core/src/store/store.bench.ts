import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import type { Store } from './store.types';
import { openTempStore } from './temp-store';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const SESSIONS = 100_000;
const PAGE_RUNS = 200;
const WRITES = 5_000;

/** First-page latency of the sessions list at 100k sessions, and session-create and audit-append throughput. */
export async function benchStore(): Promise<BenchResult[]> {
  const temp = openTempStore();
  try {
    const { store } = temp;
    seed(temp.path);
    return [
      {
        name: 'store: listSessions first page (100k sessions)',
        value: medianMs(() => store.listSessions()),
        unit: 'ms',
      },
      {
        name: 'store: listSessions first page, principal filter (100k sessions)',
        value: medianMs(() => store.listSessions({ principal: 'agent-7' })),
        unit: 'ms',
      },
      {
        name: 'store: listSessions first page, q search matching 1k of 10k commands (100k sessions)',
        value: medianMs(() => store.listSessions({ q: 'orders_0009' })),
        unit: 'ms',
      },
      { name: 'store: createSession', value: perSecond(WRITES, (i) => createOne(store, i)), unit: 'sessions/s' },
      {
        name: 'store: audit appends',
        value: perSecond(WRITES, (i) => store.appendAudit({ type: 'statement', actor: 'agent-7', data: { i } })),
        unit: 'events/s',
      },
    ];
  } finally {
    temp.remove();
  }
}

/**
 * 100k sessions (one command every 10) in one transaction through a second connection: going through
 * createSession would commit 100k times and make the benchmark mostly set-up.
 */
function seed(path: string): void {
  const db = new BetterSqlite3(path);
  try {
    db.transaction(() => {
      db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${SESSIONS - 1})
        INSERT INTO sessions (id, protocol, connection, principal, groups_json, client_addr, upstream, started_at,
          status, recording)
        SELECT printf('S%08d', i), 'postgres', 'db-' || (i % 20), 'agent-' || (i % 50), '["ai-agents"]',
          '127.0.0.1:1', '127.0.0.1:5432/orders', strftime('%Y-%m-%dT%H:%M:%fZ', 1893456000 + i, 'unixepoch'),
          CASE WHEN i % 100 = 0 THEN 'live' ELSE 'ended' END, 'recordings/' || i || '.vrec' FROM n`);
      db.exec(`INSERT INTO commands (session_id, frame, t_us, text, decision)
        SELECT id, 1, 1, 'SELECT * FROM orders_' || substr(id, 2), 'allow' FROM sessions WHERE rowid % 10 = 0`);
    })();
  } finally {
    db.close();
  }
}

function createOne(store: Store, i: number): void {
  store.createSession({
    protocol: 'postgres',
    connection: 'db-1',
    principal: 'agent-bench',
    groups: ['ai-agents'],
    clientAddr: '127.0.0.1:1',
    upstream: '127.0.0.1:5432/orders',
    recording: `recordings/bench-${i}.vrec`,
  });
}

function medianMs(run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < PAGE_RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(3));
}

function perSecond(n: number, run: (i: number) => unknown): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) run(i);
  return Math.round(n / ((performance.now() - start) / 1000));
}
