/**
 * Lineage of an expression: every column it reads, through any operator, cast, function, aggregate, CASE, row /
 * array / JSON constructor or subquery. Deliberately coarse — `lower(email)`, `md5(ssn)` and
 * `substr(ssn, 1, 3)` all derive from their column, and a whole-row reference (`t`, `t.*`, `row_to_json(t)`)
 * derives from every column of `t`. Node kinds this file does not name are walked generically, so a new
 * expression kind can widen lineage but never hide a column.
 */
import type { Node } from 'libpg-query';
import { OPAQUE_FUNCTIONS, ROW_COUNT_FUNCTIONS, SINK_FUNCTIONS } from './functions';
import { addLineage, emptyLineage, type Lineage, type MutableLineage, unionOf, unknownLineage } from './lineage';
import { isStar, type NodeOf, nodeAs, stringOf, stringsOf } from './pg-node';
import { columnIn, findColumn, findRelation, type LineageContext, type Scope, starOf, wholeRow } from './scope';

const QUERY_KINDS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** Lineage of a column reference; undefined when no relation in scope can hold it. */
export function resolveColumnRef(ref: NodeOf<'ColumnRef'>, scope: Scope): Lineage | undefined {
  const fields = ref.fields ?? [];
  const star = fields.length > 0 && isStar(fields[fields.length - 1]);
  const names = stringsOf(fields);
  if (names.length === 0) return star ? unionOf(starOf(scope).map((o) => o.lineage)) : undefined;
  if (names.length === 1 && !star) {
    const name = names[0] as string;
    const found = findColumn(scope, name);
    if (found) return found;
    const relation = findRelation(scope, [name]);
    return relation ? wholeRow(relation) : undefined;
  }
  const relationParts = star ? names : names.slice(0, -1);
  const relation = findRelation(scope, relationParts);
  if (!relation) return undefined;
  return star ? wholeRow(relation) : columnIn(relation.outputs, names[names.length - 1] as string);
}

function columnRefLineage(ref: NodeOf<'ColumnRef'>, scope: Scope, ctx: LineageContext): Lineage {
  const found = resolveColumnRef(ref, scope);
  if (found) return found;
  const name = stringsOf(ref.fields).join('.');
  ctx.missing?.add(`column ${name}`); // a column added since the catalog was read, or a typo
  // Most often a misspelt name: say which, and that the database was not asked.
  return unknownLineage(`no relation of the statement has a column ${name}, as Vigil last read the catalog`);
}

function funcCallLineage(call: NodeOf<'FuncCall'>, scope: Scope, ctx: LineageContext, acc: MutableLineage): void {
  const names = stringsOf(call.funcname);
  const name = names[names.length - 1] ?? '';
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  const args = emptyLineage();
  collectExpr(call.args, scope, ctx, args);
  collectExpr(call.agg_order, scope, ctx, args);
  collectExpr(call.agg_filter, scope, ctx, args);
  collectExpr(call.over, scope, ctx, args);
  // OVER (PARTITION BY … ORDER BY …) sorts the rows the statement returns, like a WINDOW clause.
  if (call.over) recordClause('OVER', call.over, scope, ctx);
  if (OPAQUE_FUNCTIONS.has(name)) args.unknown ??= `${name}() reads data the statement does not name`;
  else if (ctx.catalog.functionKind?.(schema, name) === 'user') {
    args.unknown ??= `user function ${name}() may read any table`;
  }
  if (SINK_FUNCTIONS.has(name) && args.sources.size > 0 && ctx.quiet === 0) {
    ctx.side.push({ clause: `${name}()`, lineage: { sources: new Set(args.sources), unknown: undefined }, sink: true });
  }
  if (ROW_COUNT_FUNCTIONS.has(name) && (args.sources.size > 0 || args.unknown !== undefined) && ctx.quiet === 0) {
    ctx.side.push({
      clause: `the row count of ${name}()`,
      lineage: { sources: new Set(args.sources), unknown: args.unknown },
      sink: false,
    });
  }
  addLineage(acc, args);
}

function subLinkLineage(link: NodeOf<'SubLink'>, scope: Scope, ctx: LineageContext, acc: MutableLineage): void {
  collectExpr(link.testexpr, scope, ctx, acc);
  if (!link.subselect) return;
  const outputs = ctx.query(link.subselect, scope);
  // EXISTS yields a boolean whatever the subquery returns; its WHERE is recorded as a side channel.
  if (link.subLinkType === 'EXISTS_SUBLINK') return;
  for (const o of outputs) addLineage(acc, o.lineage);
}

/** `(t).col` on a whole-row reference reads one column, not the row. */
function indirectionLineage(
  ind: NodeOf<'A_Indirection'>,
  scope: Scope,
  ctx: LineageContext,
  acc: MutableLineage,
): void {
  const ref = nodeAs(ind.arg, 'ColumnRef');
  const [first, ...rest] = ind.indirection ?? [];
  const field = stringOf(first);
  const names = ref ? stringsOf(ref.fields) : [];
  if (ref && field !== undefined && names.length === 1 && (ref.fields ?? []).length === 1) {
    const name = names[0] as string;
    const relation = findColumn(scope, name) === undefined ? findRelation(scope, [name]) : undefined;
    const col = relation ? columnIn(relation.outputs, field) : undefined;
    if (col) {
      addLineage(acc, col);
      collectExpr(rest, scope, ctx, acc);
      return;
    }
  }
  collectExpr(ind.arg, scope, ctx, acc);
  collectExpr(ind.indirection, scope, ctx, acc);
}

/** Adds the lineage of every column `node` (an expression, a list of them, or any parse-tree fragment) reads. */
export function collectExpr(node: unknown, scope: Scope, ctx: LineageContext, acc: MutableLineage): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const n of node) collectExpr(n, scope, ctx, acc);
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (key === 'ColumnRef') addLineage(acc, columnRefLineage(value as NodeOf<'ColumnRef'>, scope, ctx));
    else if (key === 'FuncCall') funcCallLineage(value as NodeOf<'FuncCall'>, scope, ctx, acc);
    else if (key === 'SubLink') subLinkLineage(value as NodeOf<'SubLink'>, scope, ctx, acc);
    else if (key === 'A_Indirection') indirectionLineage(value as NodeOf<'A_Indirection'>, scope, ctx, acc);
    else if (QUERY_KINDS.has(key)) {
      for (const o of ctx.query({ [key]: value } as Node, scope)) addLineage(acc, o.lineage);
    } else collectExpr(value, scope, ctx, acc);
  }
}

export function exprLineage(node: unknown, scope: Scope, ctx: LineageContext): MutableLineage {
  const acc = emptyLineage();
  collectExpr(node, scope, ctx, acc);
  return acc;
}

/** Records the lineage of a clause that filters, orders or groups rows (WHERE, JOIN … ON, ORDER BY, …). */
export function recordClause(clause: string, node: unknown, scope: Scope, ctx: LineageContext): void {
  if (node === undefined || ctx.quiet > 0) return;
  const acc = exprLineage(node, scope, ctx);
  if (acc.sources.size > 0 || acc.unknown !== undefined) ctx.side.push({ clause, lineage: acc, sink: false });
}
