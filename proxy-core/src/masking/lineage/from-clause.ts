/**
 * FROM items: tables and views (through the catalog), CTEs, subqueries, set-returning functions, XMLTABLE /
 * JSON_TABLE and joins (USING / NATURAL merge columns the way `*` shows them). Join conditions are returned to
 * the caller, which records them as side channels once every item is in scope.
 */
import type { Node } from 'libpg-query';
import { parseSql } from '../sql-parser';
import { exprLineage } from './expression';
import { STATISTICS_RELATIONS, SYSTEM_SCHEMAS } from './functions';
import {
  addLineage,
  CLEAN,
  column,
  hasSpread,
  type Lineage,
  type OutputColumn,
  renamed,
  sourceKey,
  sourceLineage,
  spread,
  unionOf,
  unknownLineage,
} from './lineage';
import { kindOf, type NodeOf, nodeAs, stringsOf } from './pg-node';
import { type FromItem, findCte, type LineageContext, type Relation, relationItem, type Scope } from './scope';

export interface ResolvedRelation {
  schema: string;
  table: string;
  outputs: OutputColumn[];
}

function analyzeView(schema: string, table: string, definition: string, ctx: LineageContext): OutputColumn[] | null {
  const key = `${schema}.${table}`;
  const cached = ctx.views.get(key);
  if (cached !== undefined) return cached; // null while in progress: a cycle
  ctx.views.set(key, null);
  let outputs: OutputColumn[] | null = null;
  ctx.quiet++;
  try {
    const stmt = parseSql(definition).stmts?.[0]?.stmt;
    if (stmt && kindOf(stmt) === 'SelectStmt') outputs = ctx.query(stmt, undefined);
  } catch {
    outputs = null;
  } finally {
    ctx.quiet--;
  }
  ctx.views.set(key, outputs);
  return outputs;
}

/** Columns of a stored relation; a view's columns also carry the lineage of its definition. */
function storedOutputs(schema: string, table: string, names: readonly string[], ctx: LineageContext): OutputColumn[] {
  const own = names.map((n) => sourceLineage(sourceKey(schema, table, n)));
  const definition = ctx.catalog.viewDefinition?.(schema, table);
  if (definition === undefined) return names.map((n, i) => column(n, own[i] as Lineage));
  const view = analyzeView(schema, table, definition, ctx);
  const usable = view !== null && !hasSpread(view) && view.length === names.length;
  return names.map((n, i) => {
    const l = unionOf([own[i] as Lineage]);
    if (usable) addLineage(l, (view[i] as OutputColumn).lineage);
    else l.unknown = `view ${schema}.${table} could not be analysed`;
    return column(n, l);
  });
}

/** A table or view by name, searching `pg_catalog` then the search path for an unqualified name, as PostgreSQL does. */
export function resolveRelation(schema: string | undefined, table: string, ctx: LineageContext): ResolvedRelation {
  const schemas = schema !== undefined ? [schema] : ['pg_catalog', ...ctx.searchPath];
  for (const s of schemas) {
    const names = ctx.catalog.columnsOf(s, table);
    if (names) return { schema: s, table, outputs: storedOutputs(s, table, names, ctx) };
  }
  const system = schema === undefined ? table.startsWith('pg_') : SYSTEM_SCHEMAS.has(schema);
  const s = schema ?? (system ? 'pg_catalog' : (ctx.searchPath[0] ?? 'public'));
  if (system && STATISTICS_RELATIONS.has(table)) {
    return { schema: s, table, outputs: [spread(sourceLineage(sourceKey(s, table, '*')))] };
  }
  // System relations missing from the catalog hold metadata, not user data.
  if (!system) ctx.missing?.add(`${s}.${table}`);
  const lineage = system ? CLEAN : unknownLineage(`relation ${s}.${table} is not in the catalog`);
  return { schema: s, table, outputs: [spread(lineage)] };
}

function aliasNames(alias: NodeOf<'Alias'> | undefined): string[] {
  return stringsOf(alias?.colnames);
}

function rangeVarItem(rv: NodeOf<'RangeVar'>, scope: Scope, ctx: LineageContext): FromItem {
  const table = rv.relname ?? '';
  const alias = rv.alias?.aliasname;
  const cte = rv.schemaname === undefined ? findCte(scope, table) : undefined;
  if (cte)
    return relationItem({ name: alias ?? table, schema: undefined, outputs: renamed(cte, aliasNames(rv.alias)) });
  const resolved = resolveRelation(rv.schemaname, table, ctx);
  return relationItem({
    name: alias ?? table,
    schema: alias === undefined ? resolved.schema : undefined,
    outputs: renamed(resolved.outputs, aliasNames(rv.alias)),
  });
}

function subselectItem(sub: NodeOf<'RangeSubselect'>, scope: Scope, ctx: LineageContext): FromItem {
  const outputs = sub.subquery ? ctx.query(sub.subquery, scope) : [];
  return relationItem({
    name: sub.alias?.aliasname ?? '',
    schema: undefined,
    outputs: renamed(outputs, aliasNames(sub.alias)),
  });
}

function columnDefNames(defs: readonly Node[] | undefined): string[] {
  return (defs ?? []).flatMap((def) => nodeAs(def, 'ColumnDef')?.colname ?? []);
}

/** Functions in FROM: every output derives from the arguments; columns are listed only when the SQL names them. */
function functionItem(fn: NodeOf<'RangeFunction'>, scope: Scope, ctx: LineageContext): FromItem {
  const lineage = exprLineage(fn.functions, scope, ctx);
  let names = aliasNames(fn.alias);
  if (names.length === 0) names = columnDefNames(fn.coldeflist);
  if (names.length === 0) {
    names = (fn.functions ?? []).flatMap((f) => columnDefNames(nodeAs(nodeAs(f, 'List')?.items?.[1], 'List')?.items));
  }
  const funcName = stringsOf(nodeAs(nodeAs(fn.functions?.[0], 'List')?.items?.[0], 'FuncCall')?.funcname).pop();
  const name = fn.alias?.aliasname ?? funcName ?? '';
  let outputs: OutputColumn[];
  if (names.length > 0) {
    outputs = names.map((n) => column(n, lineage));
    if (fn.ordinality) outputs.push(column('ordinality', CLEAN));
  } else {
    // A scalar function's single column is named after the alias or the function; a composite one's we cannot list.
    outputs = [column(name, lineage), spread(lineage)];
  }
  return relationItem({ name, schema: undefined, outputs });
}

/** XMLTABLE / JSON_TABLE: columns from the document expression. */
function tableFuncItem(node: unknown, alias: NodeOf<'Alias'> | undefined, scope: Scope, ctx: LineageContext): FromItem {
  const lineage = exprLineage(node, scope, ctx);
  return relationItem({ name: alias?.aliasname ?? '', schema: undefined, outputs: [spread(lineage)] });
}

function joinItem(join: NodeOf<'JoinExpr'>, scope: Scope, ctx: LineageContext, quals: unknown[]): FromItem {
  const left = fromItem(join.larg, scope, ctx, quals);
  // A LATERAL right side may refer to the left side: make it visible while the right side is analysed.
  scope.items.push(left);
  const right = fromItem(join.rarg, scope, ctx, quals);
  scope.items.pop();
  if (join.quals !== undefined) quals.push(join.quals);
  const named = (o: OutputColumn) => !o.spread && o.name !== undefined;
  let using = stringsOf(join.usingClause);
  if (join.isNatural) {
    const rightNames = new Set(right.star.filter(named).map((o) => o.name));
    using = left.star.filter((o) => named(o) && rightNames.has(o.name)).map((o) => o.name as string);
  }
  const usingSet = new Set(using);
  const pick = (item: FromItem, name: string) => item.star.find((o) => !o.spread && o.name === name)?.lineage ?? CLEAN;
  const merged = using.map((n) => column(n, unionOf([pick(left, n), pick(right, n)])));
  // USING / NATURAL compare the merged columns: a join condition like any other.
  const compared = unionOf(merged.map((o) => o.lineage));
  if (ctx.quiet === 0 && (compared.sources.size > 0 || compared.unknown !== undefined)) {
    ctx.side.push({ clause: 'JOIN', lineage: compared, sink: false });
  }
  const rest = (item: FromItem) => item.star.filter((o) => o.spread || !usingSet.has(o.name ?? ''));
  const star = [...merged, ...rest(left), ...rest(right)];
  const relations = [...left.relations, ...right.relations];
  if (join.alias?.aliasname) {
    relations.push({ name: join.alias.aliasname, schema: undefined, outputs: renamed(star, aliasNames(join.alias)) });
  }
  if (join.join_using_alias?.aliasname) {
    relations.push({ name: join.join_using_alias.aliasname, schema: undefined, outputs: merged });
  }
  return { relations, star };
}

/** One FROM entry. Join conditions found inside it are appended to `quals`. */
export function fromItem(node: Node | undefined, scope: Scope, ctx: LineageContext, quals: unknown[]): FromItem {
  const rv = nodeAs(node, 'RangeVar');
  if (rv) return rangeVarItem(rv, scope, ctx);
  const sub = nodeAs(node, 'RangeSubselect');
  if (sub) return subselectItem(sub, scope, ctx);
  const fn = nodeAs(node, 'RangeFunction');
  if (fn) return functionItem(fn, scope, ctx);
  const join = nodeAs(node, 'JoinExpr');
  if (join) return joinItem(join, scope, ctx, quals);
  const sample = nodeAs(node, 'RangeTableSample');
  if (sample) return fromItem(sample.relation, scope, ctx, quals);
  const xml = nodeAs(node, 'RangeTableFunc');
  if (xml) return tableFuncItem(xml, xml.alias, scope, ctx);
  const json = nodeAs(node, 'JsonTable');
  if (json) return tableFuncItem(json, json.alias, scope, ctx);
  const unknown: Relation = {
    name: '',
    schema: undefined,
    outputs: [spread(unknownLineage(`FROM item ${kindOf(node)} is not analysed`))],
  };
  return relationItem(unknown);
}
