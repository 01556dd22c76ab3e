/**
 * SELECT (and VALUES, and set operations): the lineage of each output column, position by position, and the
 * clauses that can leak masked values without returning them (recorded on the context as side channels).
 */
import type { Node } from 'libpg-query';
import { collectExpr, exprLineage, recordClause, resolveColumnRef } from './expression';
import { fromItem } from './from-clause';
import {
  addLineage,
  CLEAN,
  column,
  emptyLineage,
  hasSpread,
  type OutputColumn,
  renamed,
  sameLineage,
  spread,
  unionOf,
} from './lineage';
import { isStar, type NodeOf, nodeAs, stringOf, stringsOf } from './pg-node';
import { findRelation, type LineageContext, newScope, type Scope, starOf } from './scope';

/** The name PostgreSQL gives an unaliased output column (FigureColname, simplified). */
function derivedName(node: Node | undefined): string {
  const ref = nodeAs(node, 'ColumnRef');
  if (ref) return stringsOf(ref.fields).pop() ?? '?column?';
  const fn = nodeAs(node, 'FuncCall');
  if (fn) return stringsOf(fn.funcname).pop() ?? '?column?';
  const cast = nodeAs(node, 'TypeCast');
  if (cast) return derivedName(cast.arg);
  return '?column?';
}

/** `*`, `t.*`, `s.t.*` in a target list: the columns they expand to. */
function expandStar(ref: NodeOf<'ColumnRef'>, scope: Scope): OutputColumn[] {
  const names = stringsOf(ref.fields);
  if (names.length === 0) return starOf(scope);
  const relation = findRelation(scope, names);
  return relation ? relation.outputs : [spread(resolveColumnRef(ref, scope) ?? CLEAN)];
}

export function targetOutputs(targets: readonly Node[] | undefined, scope: Scope, ctx: LineageContext): OutputColumn[] {
  const outputs: OutputColumn[] = [];
  for (const t of targets ?? []) {
    const target = nodeAs(t, 'ResTarget');
    const val = target?.val;
    const ref = nodeAs(val, 'ColumnRef');
    const fields = ref?.fields ?? [];
    if (ref && isStar(fields[fields.length - 1])) {
      outputs.push(...expandStar(ref, scope));
      continue;
    }
    const ind = nodeAs(val, 'A_Indirection');
    const lineage = exprLineage(val, scope, ctx);
    if (ind && isStar(ind.indirection?.[ind.indirection.length - 1]))
      outputs.push(spread(lineage)); // (x).*
    else outputs.push(column(target?.name ?? derivedName(val), lineage));
  }
  return outputs;
}

/** Position-wise union of two branches of a set operation. */
function combine(left: OutputColumn[], right: OutputColumn[]): OutputColumn[] {
  if (hasSpread(left) || hasSpread(right) || left.length !== right.length) {
    return [spread(unionOf([...left, ...right].map((o) => o.lineage)))];
  }
  return left.map((o, i) => column(o.name, unionOf([o.lineage, (right[i] as OutputColumn).lineage])));
}

/**
 * ORDER BY / GROUP BY / DISTINCT ON items may name an output column (`ORDER BY e`) or its position (`ORDER BY 2`)
 * as well as an expression over the inputs.
 */
function recordSortItems(
  clause: string,
  items: readonly Node[] | undefined,
  outputs: OutputColumn[],
  scope: Scope,
  ctx: LineageContext,
): void {
  if (!items || items.length === 0 || ctx.quiet > 0) return;
  const acc = emptyLineage();
  for (const item of items) {
    const expr = nodeAs(item, 'SortBy')?.node ?? item;
    const position = nodeAs(expr, 'A_Const')?.ival?.ival;
    const ref = nodeAs(expr, 'ColumnRef');
    const name = ref && ref.fields?.length === 1 ? stringOf(ref.fields[0]) : undefined;
    const output = name === undefined ? undefined : outputs.find((o) => !o.spread && o.name === name);
    if (position !== undefined && outputs[position - 1])
      addLineage(acc, (outputs[position - 1] as OutputColumn).lineage);
    else if (output && (clause !== 'GROUP BY' || !resolveColumnRef(ref as NodeOf<'ColumnRef'>, scope))) {
      addLineage(acc, output.lineage);
    } else collectExpr(expr, scope, ctx, acc);
  }
  if (acc.sources.size > 0 || acc.unknown !== undefined) ctx.side.push({ clause, lineage: acc, sink: false });
}

function valuesOutputs(lists: readonly Node[], scope: Scope, ctx: LineageContext): OutputColumn[] {
  const rows = lists.map((l) => (nodeAs(l, 'List')?.items ?? []).map((e) => exprLineage(e, scope, ctx)));
  const width = Math.max(0, ...rows.map((r) => r.length));
  const outputs: OutputColumn[] = [];
  for (let i = 0; i < width; i++) outputs.push(column(`column${i + 1}`, unionOf(rows.map((r) => r[i] ?? CLEAN))));
  return outputs;
}

const MAX_RECURSIVE_ROUNDS = 12;

/** WITH RECURSIVE: iterate the CTE's lineage to a fixpoint (lineage only grows, so it converges). */
function recursiveCte(name: string, query: Node, colnames: string[], scope: Scope, ctx: LineageContext): void {
  let outputs: OutputColumn[] = [spread(CLEAN)];
  for (let round = 0; round < MAX_RECURSIVE_ROUNDS; round++) {
    scope.ctes.set(name, outputs);
    const next = renamed(ctx.query(query, scope), colnames);
    const stable =
      next.length === outputs.length &&
      next.every((o, i) => sameLineage(o.lineage, (outputs[i] as OutputColumn).lineage));
    outputs = next;
    if (stable) break;
    if (round === MAX_RECURSIVE_ROUNDS - 1) {
      const all = unionOf(outputs.map((o) => o.lineage));
      outputs = outputs.map((o) => ({ ...o, lineage: all }));
    }
  }
  scope.ctes.set(name, outputs);
}

export function registerCtes(withClause: NodeOf<'WithClause'> | undefined, scope: Scope, ctx: LineageContext): void {
  for (const node of withClause?.ctes ?? []) {
    const cte = nodeAs(node, 'CommonTableExpr');
    if (!cte?.ctename || !cte.ctequery) continue;
    const colnames = stringsOf(cte.aliascolnames);
    if (withClause?.recursive) recursiveCte(cte.ctename, cte.ctequery, colnames, scope, ctx);
    else scope.ctes.set(cte.ctename, renamed(ctx.query(cte.ctequery, scope), colnames));
  }
}

function recordLimit(sel: NodeOf<'SelectStmt'>, scope: Scope, ctx: LineageContext): void {
  recordClause('LIMIT', sel.limitCount, scope, ctx);
  recordClause('OFFSET', sel.limitOffset, scope, ctx);
}

export function analyzeSelect(
  sel: NodeOf<'SelectStmt'>,
  outer: Scope | undefined,
  ctx: LineageContext,
): OutputColumn[] {
  const scope = newScope(outer);
  registerCtes(sel.withClause, scope, ctx);
  if (sel.op !== undefined && sel.op !== 'SETOP_NONE') {
    const outputs = combine(analyzeSelect(sel.larg ?? {}, scope, ctx), analyzeSelect(sel.rarg ?? {}, scope, ctx));
    recordSortItems('ORDER BY', sel.sortClause, outputs, scope, ctx);
    recordLimit(sel, scope, ctx);
    return outputs;
  }
  if (sel.valuesLists) return valuesOutputs(sel.valuesLists, scope, ctx);
  const quals: unknown[] = [];
  for (const item of sel.fromClause ?? []) scope.items.push(fromItem(item, scope, ctx, quals));
  const outputs = targetOutputs(sel.targetList, scope, ctx);
  for (const q of quals) recordClause('JOIN', q, scope, ctx);
  recordClause('WHERE', sel.whereClause, scope, ctx);
  recordSortItems('GROUP BY', sel.groupClause, outputs, scope, ctx);
  recordClause('HAVING', sel.havingClause, scope, ctx);
  recordClause('WINDOW', sel.windowClause, scope, ctx);
  recordSortItems('ORDER BY', sel.sortClause, outputs, scope, ctx);
  recordSortItems('DISTINCT ON', sel.distinctClause, outputs, scope, ctx);
  recordLimit(sel, scope, ctx);
  if (sel.intoClause && ctx.quiet === 0) {
    ctx.side.push({ clause: 'SELECT INTO', lineage: unionOf(outputs.map((o) => o.lineage)), sink: true });
  }
  return outputs;
}
