/**
 * Reads a PL/pgSQL body (a DO block or a LANGUAGE plpgsql function) through libpg-query's PL/pgSQL compiler and
 * reports every piece of SQL in it to a visitor: statements, expressions (IF conditions, assignments, RAISE
 * arguments, DECLARE defaults …), dynamic EXECUTE strings and transaction control. Issue 3 §1: the body is parsed,
 * and a dynamic EXECUTE whose string cannot be resolved makes the statement unparsed.
 */
import { parsePlPgSQLSync } from 'libpg-query';

export interface PlpgsqlVisitor {
  /** A complete SQL statement (`DELETE FROM t`, `SELECT pg_sleep(1)` for PERFORM). */
  statement(sql: string): void;
  /** A SQL expression without its SELECT (`upper(x)`, `x > 0`). */
  expression(sql: string): void;
  /** The string expression of EXECUTE / FOR … IN EXECUTE / OPEN … FOR EXECUTE / RETURN QUERY EXECUTE. */
  dynamic(expression: string): void;
  transaction(kind: 'commit' | 'rollback'): void;
}

// PostgreSQL's RawParseMode (parser.h): how a PLpgSQL_expr's text is meant to be parsed.
const RAW_PARSE_DEFAULT = 0;
const RAW_PARSE_PLPGSQL_EXPR = 2;

type Obj = Record<string, unknown>;

/** Parses `source` (a whole DO or CREATE FUNCTION statement) and walks its PL/pgSQL; throws when it does not compile. */
export function visitPlpgsql(source: string, visitor: PlpgsqlVisitor): void {
  const parsed = parsePlPgSQLSync(source) as unknown as { plpgsql_funcs?: unknown[] };
  walk(parsed.plpgsql_funcs ?? [], visitor);
}

function walk(value: unknown, visitor: PlpgsqlVisitor): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visitor);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Obj)) {
    switch (key) {
      case 'PLpgSQL_expr':
        expression(child as Obj, visitor);
        break;
      case 'PLpgSQL_stmt_dynexecute':
      case 'PLpgSQL_stmt_dynfors': {
        const { query, ...rest } = child as Obj;
        dynamic(query, visitor);
        walk(rest, visitor);
        break;
      }
      case 'dynquery':
        dynamic(child, visitor);
        break;
      case 'PLpgSQL_stmt_commit':
        visitor.transaction('commit');
        break;
      case 'PLpgSQL_stmt_rollback':
        visitor.transaction('rollback');
        break;
      default:
        walk(child, visitor);
    }
  }
}

function expression(expr: Obj, visitor: PlpgsqlVisitor): void {
  const query = typeof expr.query === 'string' ? expr.query : '';
  const mode = typeof expr.parseMode === 'number' ? expr.parseMode : RAW_PARSE_DEFAULT;
  if (mode === RAW_PARSE_DEFAULT) visitor.statement(query);
  else if (mode === RAW_PARSE_PLPGSQL_EXPR) visitor.expression(query);
  else visitor.expression(assignmentAsList(query));
}

/**
 * Assignments (`x := f(y)`, `a[i] = g()`, parse modes ASSIGN1..3) become the list `x, f(y)` so that both the
 * target's subscripts and the value are read. A `:=` or `=` inside the target would make this fail to parse:
 * that ends as unparsed, never as a pass.
 */
function assignmentAsList(query: string): string {
  const colon = query.indexOf(':=');
  if (colon !== -1) return `${query.slice(0, colon)}, ${query.slice(colon + 2)}`;
  const eq = query.indexOf('=');
  return eq === -1 ? query : `${query.slice(0, eq)}, ${query.slice(eq + 1)}`;
}

function dynamic(node: unknown, visitor: PlpgsqlVisitor): void {
  const expr = (node as Obj | undefined)?.PLpgSQL_expr as Obj | undefined;
  visitor.dynamic(typeof expr?.query === 'string' ? expr.query : '');
}
