/**
 * SQL that must pass untouched (issue 3, Tests: "a benign corpus"): words like drop, delete, grant and truncate
 * inside strings, comments, dollar quotes and identifiers never trigger anything. Each must classify as plain
 * select (or show/explain) with no dangerous function, and be allowed by rule 1 of DESIGN.md's demo policy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initSqlClassifier } from '../sql-classifier';
import { judge, kindsOf } from './demo-policy';

const benign: Record<string, string[]> = {
  strings: [
    "SELECT 'DROP TABLE customers'",
    "SELECT 'a'';DROP TABLE customers;--'",
    "SELECT E'\\';DROP TABLE customers;--'",
    "SELECT 'x\\' , ' ; DROP TABLE customers; --'",
    "SELECT * FROM orders WHERE note = 'please delete me; truncate later; grant all'",
    "SELECT U&'\\0044ROP TABLE customers'",
    "SELECT 'pg_read_file(''/etc/passwd'')', 'set_config(''role'', ''postgres'', false)'",
    "SELECT B'1010', X'1F'",
    "SELECT 'DO $$ BEGIN EXECUTE ''DROP TABLE t''; END $$'",
  ],
  comments: [
    'SELECT 1 -- ; DROP TABLE customers',
    'SELECT 1 /* ; DELETE FROM orders; */',
    '/* GRANT ALL ON customers TO agent */ SELECT id FROM orders',
    '/* outer /* inner ; TRUNCATE orders */ still ; DROP TABLE x */ SELECT 2',
    '-- EXPLAIN ANALYZE DELETE FROM orders\nSELECT 3',
  ],
  'dollar quotes': [
    'SELECT $$; DELETE FROM orders; $$',
    'SELECT $tag$ DROP TABLE customers $tag$',
    'SELECT $a$ $b$ TRUNCATE orders $b$ $a$',
    "SELECT $$ pg_read_file('/etc/passwd') $$ AS looks_dangerous",
  ],
  identifiers: [
    'SELECT "drop table customers" FROM (SELECT 1 AS "drop table customers") s',
    'SELECT * FROM "DELETE"',
    'SELECT s.grant, s.truncate FROM (SELECT 1 AS grant, 2 AS truncate) s',
    'SELECT delete_flag, dropped_at, granted_by FROM orders',
    'SELECT pg_read_file_log, pg_sleep FROM audit_columns',
    'SELECT o.pg_terminate_backend FROM orders o',
    'SELECT * FROM public."Drop Table Customers"',
    'SELECT U&"d\\0061ta" FROM orders',
    'SELECT count(*) AS "; DROP TABLE x; --" FROM orders',
  ],
  'ordinary reads': [
    'SELECT now(), lower(name), coalesce(note, $$-$$) FROM customers WHERE id = $1',
    "WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '1 day') SELECT count(*) FROM recent",
    'SELECT id FROM orders UNION SELECT id FROM archived_orders ORDER BY 1 LIMIT 10',
    'SELECT json_agg(row_to_json(o)) FROM (SELECT * FROM orders) o',
    "VALUES (1, 'delete'), (2, 'drop')",
    'TABLE orders',
    'SHOW search_path',
    "EXPLAIN SELECT * FROM orders WHERE note = 'drop'",
  ],
};

beforeAll(async () => {
  await initSqlClassifier();
});

describe.each(Object.entries(benign))('benign corpus: %s', (_group, statements) => {
  it.each(statements)('%s', (sql) => {
    const { c, d } = judge(sql);
    expect(c.unparsed).toBe(false);
    expect(c.statements).toHaveLength(1);
    for (const kind of kindsOf(c)) expect(['select', 'show', 'explain']).toContain(kind);
    expect(c.statements[0]?.functionCategories).toEqual([]);
    expect(c.statements[0]?.deferred).toEqual([]);
    expect(d).toMatchObject({ outcome: 'allow', rule: { name: 'agents-default#1' } });
  });
});
