import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifySql, createClassificationCache, initSqlClassifier } from './sql-classifier';
import { MAPPED_STATEMENT_NODES } from './statement-kind-of';
import { isStatementKind } from './statement-kinds';

beforeAll(async () => {
  await initSqlClassifier();
});

const kindOf = (sql: string) => {
  const c = classifySql(sql);
  expect(c.error).toBeUndefined();
  expect(c.statements[0]?.parts.map((p) => p.kind)).not.toContain('unknown');
  return c.statements[0]?.kind;
};

describe('statement kinds', () => {
  // One statement per libpg-query statement node (and the variants a node splits into).
  const cases: Array<[string, string]> = [
    ['SELECT 1', 'select'],
    ['INSERT INTO t VALUES (1)', 'insert'],
    ['UPDATE t SET a = 1', 'update'],
    ['DELETE FROM t', 'delete'],
    ['MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE', 'merge'],
    ['COPY t TO STDOUT', 'copy_to'],
    ['COPY t FROM STDIN', 'copy_from'],
    ["COPY t TO PROGRAM 'gzip'", 'copy_program'],
    ['CREATE TABLE t (a int)', 'create_table'],
    ['CREATE TEMP TABLE t (a int)', 'create_table'],
    ['CREATE FOREIGN TABLE f (a int) SERVER s', 'create_foreign_table'],
    ['CREATE TABLE t2 AS SELECT 1', 'create_table'],
    ['CREATE MATERIALIZED VIEW m AS SELECT 1', 'create_materialized_view'],
    ['SELECT 1 INTO t3', 'create_table'],
    ['CREATE VIEW v AS SELECT 1', 'create_view'],
    ['CREATE INDEX i ON t (a)', 'create_index'],
    ['CREATE SCHEMA s', 'create_schema'],
    ['CREATE SEQUENCE q', 'create_sequence'],
    ['ALTER SEQUENCE q RESTART', 'alter_sequence'],
    ['CREATE EXTENSION pgcrypto', 'create_extension'],
    ['ALTER EXTENSION pgcrypto UPDATE', 'alter_extension'],
    ['ALTER EXTENSION pgcrypto ADD TABLE t', 'alter_extension'],
    ['CREATE FOREIGN DATA WRAPPER w', 'create_foreign_data_wrapper'],
    ['ALTER FOREIGN DATA WRAPPER w NO VALIDATOR', 'alter_foreign_data_wrapper'],
    ['CREATE SERVER s FOREIGN DATA WRAPPER w', 'create_server'],
    ["ALTER SERVER s OPTIONS (host 'x')", 'alter_server'],
    ['CREATE USER MAPPING FOR app SERVER s', 'create_user_mapping'],
    ["ALTER USER MAPPING FOR app SERVER s OPTIONS (user 'x')", 'alter_user_mapping'],
    ['DROP USER MAPPING FOR app SERVER s', 'drop_user_mapping'],
    ['IMPORT FOREIGN SCHEMA r FROM SERVER s INTO l', 'import_foreign_schema'],
    ['CREATE POLICY p ON t USING (true)', 'create_policy'],
    ['ALTER POLICY p ON t USING (false)', 'alter_policy'],
    ['CREATE ACCESS METHOD m TYPE TABLE HANDLER h', 'create_access_method'],
    ['CREATE TRIGGER tr AFTER INSERT ON t EXECUTE FUNCTION f()', 'create_trigger'],
    ['CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f()', 'create_event_trigger'],
    ['ALTER EVENT TRIGGER e DISABLE', 'alter_event_trigger'],
    ['CREATE LANGUAGE plx HANDLER h', 'create_language'],
    ['CREATE LANGUAGE plperl', 'create_extension'], // PostgreSQL turns the short form into CREATE EXTENSION
    ['CREATE ROLE r', 'create_role'],
    ['CREATE GROUP g', 'create_role'],
    ['ALTER USER r WITH PASSWORD NULL', 'alter_role'],
    ['ALTER ROLE r SET search_path = x', 'alter_role'],
    ['ALTER ROLE r RENAME TO s', 'alter_role'],
    ['DROP ROLE r', 'drop_role'],
    ['DROP USER r', 'drop_role'],
    ['CREATE AGGREGATE a (sfunc = f, stype = int)', 'create_aggregate'],
    ['CREATE OPERATOR === (function = f, leftarg = int, rightarg = int)', 'create_operator'],
    ['CREATE TYPE ty AS (a int)', 'create_type'],
    ["CREATE TYPE e AS ENUM ('a')", 'create_type'],
    ['CREATE TYPE rg AS RANGE (subtype = int)', 'create_type'],
    ["ALTER TYPE e ADD VALUE 'b'", 'alter_type'],
    ['ALTER TYPE ty ALTER ATTRIBUTE a TYPE text', 'alter_type'],
    ['ALTER TYPE ty SET (storage = plain)', 'alter_type'],
    ['CREATE TEXT SEARCH DICTIONARY d (template = simple)', 'create_text_search_dictionary'],
    ['ALTER TEXT SEARCH DICTIONARY d (stopwords = x)', 'alter_text_search_dictionary'],
    ['ALTER TEXT SEARCH CONFIGURATION c DROP MAPPING FOR word', 'alter_text_search_configuration'],
    ['CREATE COLLATION c (locale = "C")', 'create_collation'],
    ['ALTER COLLATION c REFRESH VERSION', 'alter_collation'],
    ['CREATE DOMAIN d AS int', 'create_domain'],
    ['ALTER DOMAIN d SET NOT NULL', 'alter_domain'],
    ['CREATE OPERATOR CLASS oc FOR TYPE int USING btree AS OPERATOR 1 <', 'create_operator_class'],
    ['CREATE OPERATOR FAMILY of USING btree', 'create_operator_family'],
    ['ALTER OPERATOR FAMILY of USING btree ADD OPERATOR 1 < (int, int)', 'alter_operator_family'],
    ['ALTER OPERATOR === (int, int) SET (restrict = x)', 'alter_operator'],
    ['DROP TABLE t', 'drop_table'],
    ['DROP VIEW v', 'drop_view'],
    ['DROP INDEX i', 'drop_index'],
    ['DROP FUNCTION f', 'drop_function'],
    ['DROP TRIGGER tr ON t', 'drop_trigger'],
    ['DROP DATABASE d', 'drop_database'],
    ['DROP TABLESPACE ts', 'drop_tablespace'],
    ['DROP SUBSCRIPTION sub', 'drop_subscription'],
    ['DROP OWNED BY r', 'drop_owned'],
    ['REASSIGN OWNED BY r TO s', 'reassign_owned'],
    ['TRUNCATE t', 'truncate'],
    ["COMMENT ON TABLE t IS 'x'", 'comment'],
    ["SECURITY LABEL ON TABLE t IS 'x'", 'security_label'],
    ['DECLARE c CURSOR FOR SELECT 1', 'declare_cursor'],
    ['CLOSE c', 'close_cursor'],
    ['FETCH 10 FROM c', 'fetch'],
    ['MOVE 10 IN c', 'move'],
    ['CREATE STATISTICS st ON a, b FROM t', 'create_statistics'],
    ['ALTER STATISTICS st SET STATISTICS 10', 'alter_statistics'],
    ['CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', 'create_function'],
    ['CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$', 'create_procedure'],
    ['ALTER FUNCTION f() SECURITY DEFINER', 'alter_function'],
    ['ALTER PROCEDURE p() SECURITY DEFINER', 'alter_procedure'],
    ['ALTER ROUTINE f() IMMUTABLE', 'alter_routine'],
    ['ALTER FUNCTION f() DEPENDS ON EXTENSION e', 'alter_function'],
    ['ALTER TABLE t SET SCHEMA s', 'alter_table'],
    ['ALTER FUNCTION f() OWNER TO r', 'alter_function'],
    ['ALTER TABLE t RENAME COLUMN a TO b', 'alter_table'],
    ['ALTER VIEW v RENAME TO w', 'alter_view'],
    ['DO $$ BEGIN END $$', 'do'],
    ['CALL p()', 'call'],
    ['CREATE RULE r AS ON INSERT TO t DO NOTHING', 'create_rule'],
    ["NOTIFY ch, 'x'", 'notify'],
    ['LISTEN ch', 'listen'],
    ['UNLISTEN *', 'unlisten'],
    ['BEGIN', 'begin'],
    ['START TRANSACTION', 'begin'],
    ['COMMIT', 'commit'],
    ['END', 'commit'],
    ['ROLLBACK', 'rollback'],
    ['ABORT', 'rollback'],
    ['SAVEPOINT s', 'savepoint'],
    ['RELEASE SAVEPOINT s', 'release'],
    ['ROLLBACK TO SAVEPOINT s', 'rollback_to_savepoint'],
    ["PREPARE TRANSACTION 'x'", 'prepare_transaction'],
    ["COMMIT PREPARED 'x'", 'commit_prepared'],
    ["ROLLBACK PREPARED 'x'", 'rollback_prepared'],
    ["LOAD 'auto_explain'", 'load'],
    ['CREATE DATABASE d', 'create_database'],
    ['ALTER DATABASE d CONNECTION LIMIT 1', 'alter_database'],
    ['ALTER DATABASE d REFRESH COLLATION VERSION', 'alter_database'],
    ['ALTER DATABASE d SET work_mem = 1', 'alter_database'],
    ['DROP DATABASE d', 'drop_database'],
    ['ALTER SYSTEM SET work_mem = 1', 'alter_system'],
    ['CLUSTER t USING i', 'cluster'],
    ['VACUUM t', 'vacuum'],
    ['ANALYZE t', 'analyze'],
    ['EXPLAIN SELECT 1', 'explain'],
    ['REFRESH MATERIALIZED VIEW m', 'refresh_materialized_view'],
    ['CHECKPOINT', 'checkpoint'],
    ['DISCARD ALL', 'discard'],
    ['LOCK t', 'lock_access_exclusive'],
    ['LOCK TABLE t IN ACCESS SHARE MODE', 'lock_access_share'],
    ['LOCK t IN ROW SHARE MODE', 'lock_row_share'],
    ['LOCK t IN ROW EXCLUSIVE MODE', 'lock_row_exclusive'],
    ['LOCK t IN SHARE UPDATE EXCLUSIVE MODE', 'lock_share_update_exclusive'],
    ['LOCK ONLY t IN SHARE MODE', 'lock_share'],
    ['LOCK t IN SHARE ROW EXCLUSIVE MODE', 'lock_share_row_exclusive'],
    ['LOCK t IN EXCLUSIVE MODE', 'lock_exclusive'],
    ['LOCK t, u IN ACCESS EXCLUSIVE MODE NOWAIT', 'lock_access_exclusive'],
    ['SET CONSTRAINTS ALL DEFERRED', 'set_constraints'],
    ['REINDEX TABLE t', 'reindex'],
    ["CREATE CONVERSION cv FOR 'LATIN1' TO 'UTF8' FROM f", 'create_conversion'],
    ['CREATE CAST (int AS text) WITH FUNCTION f(int)', 'create_cast'],
    ['CREATE TRANSFORM FOR int LANGUAGE plpython3u (FROM SQL WITH FUNCTION f(internal))', 'create_transform'],
    ['PREPARE p AS SELECT 1', 'select'],
    ['EXECUTE p', 'execute'],
    ['DEALLOCATE p', 'deallocate'],
    ['CREATE PUBLICATION pub FOR ALL TABLES', 'create_publication'],
    ['ALTER PUBLICATION pub ADD TABLE t', 'alter_publication'],
    ["CREATE SUBSCRIPTION sub CONNECTION 'x' PUBLICATION pub", 'create_subscription'],
    ['ALTER SUBSCRIPTION sub DISABLE', 'alter_subscription'],
    ['ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r', 'alter_default_privileges'],
    ["CREATE TABLESPACE ts LOCATION '/x'", 'create_tablespace'],
    ['ALTER TABLESPACE ts SET (seq_page_cost = 1)', 'alter_tablespace'],
    ['ALTER TABLE t ADD COLUMN b int', 'alter_table'],
    ['ALTER TABLE t REPLICA IDENTITY FULL', 'alter_table'],
    ['ALTER INDEX i SET TABLESPACE ts', 'alter_index'],
    ['ALTER MATERIALIZED VIEW m SET TABLESPACE ts', 'alter_materialized_view'],
    ['ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b', 'alter_table'],
    ['GRANT SELECT ON t TO r', 'grant'],
    ['REVOKE SELECT ON t FROM r', 'revoke'],
    ['GRANT r TO s', 'grant'],
    ['REVOKE r FROM s', 'revoke'],
    ['SET work_mem = 1', 'set'],
    ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'set'],
    ['RESET work_mem', 'reset'],
    ['RESET ALL', 'reset'],
    ['SET ROLE r', 'set_role'],
    ['SET SESSION AUTHORIZATION r', 'set_session_authorization'],
    ['RESET SESSION AUTHORIZATION', 'set_session_authorization'],
    ['SHOW ALL', 'show'],
  ];
  it.each(cases)('%s → %s', (sql, kind) => {
    expect(isStatementKind(kind)).toBe(true);
    expect(kindOf(sql)).toBe(kind);
  });

  it('maps every statement node type of libpg-query', () => {
    // The parse tree's node union, read from @pgsql/types (the types libpg-query re-exports).
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('libpg-query/package.json'));
    const typesFile = join(dirname(require.resolve('@pgsql/types/package.json', { paths: [dir] })), 'types.d.ts');
    const text = readFileSync(typesFile, 'utf8');
    const start = text.indexOf('export type Node =');
    const union = text.slice(start, text.indexOf('\nexport ', start + 1));
    const nodes = [...union.matchAll(/^\s+(\w+Stmt):/gm)].map((m) => m[1] as string);
    expect(nodes.length).toBeGreaterThan(100);
    // Not statements of a raw parse: RawStmt (the wrapper), SetOperationStmt (analyzer), PLAssignStmt (PL/pgSQL).
    const unmapped = nodes.filter((n) => !MAPPED_STATEMENT_NODES.includes(n));
    expect(unmapped.sort()).toEqual(['PLAssignStmt', 'RawStmt', 'SetOperationStmt']);
  });
});

describe('statements and text', () => {
  it('splits many statements and gives each its own text, also after multi-byte characters', () => {
    const c = classifySql("SELECT 'ééé — ✓'; DROP TABLE t;\n  UPDATE t SET a = '🙂' ; select 4");
    expect(c.statements.map((s) => [s.kind, s.text])).toEqual([
      ['select', "SELECT 'ééé — ✓'"],
      ['drop_table', 'DROP TABLE t'],
      ['update', "UPDATE t SET a = '🙂'"],
      ['select', 'select 4'],
    ]);
  });

  it('classifies empty input and comments as no statements', () => {
    for (const sql of ['', '   ', '-- nothing', '/* x */ ;;'])
      expect(classifySql(sql)).toEqual({ statements: [], unparsed: false });
  });

  it('reports syntax errors with the cursor position', () => {
    const c = classifySql('SELECT * FRM orders');
    expect(c.unparsed).toBe(true);
    expect(c.error?.message).toBe('syntax error at or near "FRM"');
    expect(c.error?.cursorPosition).toBe(9);
  });

  it('names tables schema-qualified where written and unqualified as written', () => {
    const c = classifySql(
      'SELECT * FROM public.orders o JOIN customers c ON true JOIN "Mixed"."Case" m ON true, db.s.t',
    );
    expect(c.statements[0]?.tables).toEqual(['public.orders', 'customers', '"Mixed"."Case"', 'db.s.t']);
  });

  it('resolves Unicode-escaped identifiers to the real name', () => {
    expect(classifySql('SELECT * FROM U&"\\0063ustomers"').statements[0]?.tables).toEqual(['customers']);
  });

  it('splits a DML statement into its target and what it reads', () => {
    const s = classifySql('UPDATE orders SET total = lower(x) FROM customers c WHERE c.id IN (SELECT id FROM vip)')
      .statements[0];
    expect(s?.parts.map((p) => [p.kind, p.via, [...p.tables].sort(), p.functions])).toEqual([
      ['update', 'statement', ['orders'], ['lower']],
      ['select', 'read', ['customers', 'vip'], []],
    ]);
  });

  it('keeps CTE names out of tables, within their scope only', () => {
    const c = classifySql('WITH t AS (SELECT * FROM t) SELECT * FROM t, (SELECT * FROM u) x');
    expect(c.statements[0]?.tables).toEqual(['t', 'u']);
    const r = classifySql('WITH RECURSIVE t AS (SELECT 1 UNION SELECT * FROM t) SELECT * FROM t');
    expect(r.statements[0]?.tables).toEqual([]);
  });

  it('records a function body as deferred, with a note when its language is not analyzed', () => {
    const s = classifySql(
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM t; RETURN 1; END $$',
    ).statements[0];
    expect(s?.parts.map((p) => p.kind)).toEqual(['create_function']);
    expect(s?.deferred.map((p) => [p.kind, p.tables])).toContainEqual(['delete', ['t']]);
    const c = classifySql("CREATE FUNCTION g() RETURNS int LANGUAGE c AS 'lib', 'sym'").statements[0];
    expect(c?.notes).toContain('function body in language c is not analyzed');
  });

  it('does not feed a BEGIN ATOMIC plpgsql-less function to the PL/pgSQL compiler (it aborts on it)', () => {
    const s = classifySql('CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC; DELETE FROM t; SELECT 1; END')
      .statements[0];
    expect(s?.deferred.map((p) => p.kind)).toEqual(['delete', 'select']);
  });

  it('follows SQL nested in EXECUTE strings, and stops at a depth limit', () => {
    let sql = 'DROP TABLE t';
    for (let i = 0; i < 12; i++) sql = `DO $t${i}$ BEGIN EXECUTE ${quote(sql)}; END $t${i}$`;
    const c = classifySql(sql);
    expect(c.unparsed).toBe(true);
    expect(c.statements[0]?.unparsed).toMatch(/nested more than/);
  });

  it('survives pathological nesting without throwing', () => {
    const deep = `SELECT ${'('.repeat(5000)}1${')'.repeat(5000)}`;
    const c = classifySql(deep);
    expect(c.unparsed || c.statements.length === 1).toBe(true);
  });
});

function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

describe('classification cache', () => {
  it('returns the same classification for the same text and evicts the least recently used', () => {
    let calls = 0;
    const cache = createClassificationCache({
      maxEntries: 2,
      classify: (sql) => {
        calls++;
        return classifySql(sql);
      },
    });
    const a = cache.classify('SELECT a FROM t');
    expect(cache.classify('SELECT a FROM t')).toBe(a);
    cache.classify('SELECT b FROM t');
    cache.classify('SELECT a FROM t'); // most recent again
    cache.classify('SELECT c FROM t'); // evicts b
    expect(cache.size).toBe(2);
    expect(calls).toBe(3);
    cache.classify('SELECT b FROM t');
    expect(calls).toBe(4);
  });

  it('statements differing only in numbers share one entry; strings do not', () => {
    let calls = 0;
    const cache = createClassificationCache({
      classify: (sql) => {
        calls++;
        return classifySql(sql);
      },
    });
    cache.classify('SELECT * FROM accounts WHERE aid = 1');
    cache.classify('SELECT * FROM accounts WHERE aid = 99172');
    expect(calls).toBe(1);
    cache.classify("SELECT set_config('application_name', 'x', false)");
    const role = cache.classify("SELECT set_config('role', 'x', false)");
    expect(calls).toBe(3);
    expect(role.statements[0]?.functionCategories).toContain('role_change');
  });

  it('does not keep very long texts', () => {
    const cache = createClassificationCache({ maxSqlLength: 10 });
    cache.classify('SELECT 1 + 1 + 1');
    expect(cache.size).toBe(0);
  });
});
