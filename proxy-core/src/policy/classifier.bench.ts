/**
 * Classification cost per statement (issue 3, Benchmark): uncached (parse + walk every time) and cached (the
 * repeated-statement hot path), on a mix like an agent's session, plus the policy decision that follows.
 */
import { performance } from 'node:perf_hooks';
import { demoPolicy } from './corpus/demo-policy';
import { decide } from './policy-engine';
import { sqlActions } from './sql-actions';
import { classifySql, createClassificationCache, initSqlClassifier } from './sql-classifier';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const MIX = [
  'SELECT id, email, created_at FROM customers WHERE id = $1',
  "SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > now() - interval '7 days' ORDER BY o.created_at DESC LIMIT 50",
  'SELECT count(*) FROM orders WHERE status = $1',
  "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
  'INSERT INTO orders (customer_id, total, status) VALUES ($1, $2, $3) RETURNING id',
  'UPDATE orders SET status = $1 WHERE id = $2',
  'DELETE FROM sessions WHERE expires_at < now()',
  "WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '1 day') SELECT status, count(*) FROM recent GROUP BY status",
  'BEGIN',
  'COMMIT',
  'SHOW search_path',
  'EXPLAIN SELECT * FROM orders WHERE customer_id = 42',
  "SELECT json_agg(row_to_json(t)) FROM (SELECT id, name FROM products WHERE name ILIKE '%drop%') t",
  'SELECT c.id, (SELECT max(total) FROM orders o WHERE o.customer_id = c.id) AS biggest FROM customers c',
  "DO $$ BEGIN UPDATE counters SET n = n + 1 WHERE k = 'x'; END $$",
  'SELECT 1',
];

const ROUNDS = 400;

export async function benchClassifier(): Promise<BenchResult[]> {
  await initSqlClassifier();
  // Distinct texts defeat any cache below us: a trailing comment changes the text, not the parse.
  const distinct = Array.from({ length: ROUNDS }, (_, i) => MIX.map((sql) => `${sql} /* ${i} */`)).flat();
  for (const sql of MIX) classifySql(sql); // warm up the WASM and the JIT
  const uncached = perStatementUs(distinct, (sql) => classifySql(sql));

  const cache = createClassificationCache();
  const repeated = Array.from({ length: ROUNDS }, () => MIX).flat();
  const cached = perStatementUs(repeated, (sql) => cache.classify(sql));

  const decided = perStatementUs(repeated, (sql) => {
    const c = cache.classify(sql);
    decide(demoPolicy, { principal: { sub: 'agent-7', groups: ['ai-agents'] } }, sqlActions(c), c);
  });
  return [
    { name: 'classifier: classify, uncached (parse + walk)', value: uncached, unit: 'µs/statement' },
    { name: 'classifier: classify, cached (repeated text)', value: cached, unit: 'µs/statement' },
    { name: 'classifier: cached classify + actions + decide (demo policy)', value: decided, unit: 'µs/statement' },
  ];
}

function perStatementUs(statements: readonly string[], fn: (sql: string) => void): number {
  const start = performance.now();
  for (const sql of statements) fn(sql);
  return ((performance.now() - start) * 1000) / statements.length;
}
