/**
 * INSERT / UPDATE / DELETE / MERGE: the lineage of RETURNING (a returned column carries what was written into it),
 * WHERE / ON conditions as side channels, and writes of masked values into columns that are not masked — a copy
 * the agent could read back unmasked later — as sinks.
 */
import type { Node } from 'libpg-query';
import { exprLineage, recordClause } from './expression';
import { fromItem, resolveRelation } from './from-clause';
import {
  addLineage,
  column,
  emptyLineage,
  hasSpread,
  type MutableLineage,
  type OutputColumn,
  sourceKey,
  unionOf,
} from './lineage';
import { type NodeOf, nodeAs } from './pg-node';
import { type LineageContext, newScope, type Relation, relationItem, type Scope } from './scope';
import { registerCtes, targetOutputs } from './select';

interface Target {
  schema: string;
  table: string;
  relation: Relation;
  written: Map<string, MutableLineage>;
}

function openTarget(rv: NodeOf<'RangeVar'> | undefined, scope: Scope, ctx: LineageContext): Target {
  const table = rv?.relname ?? '';
  const resolved = resolveRelation(rv?.schemaname, table, ctx);
  const alias = rv?.alias?.aliasname;
  const relation: Relation = {
    name: alias ?? table,
    schema: alias ? undefined : resolved.schema,
    outputs: resolved.outputs,
  };
  scope.items.push(relationItem(relation));
  return { schema: resolved.schema, table, relation, written: new Map() };
}

function write(target: Target, name: string, lineage: Parameters<typeof addLineage>[1]): void {
  const acc = target.written.get(name) ?? emptyLineage();
  target.written.set(name, acc);
  addLineage(acc, lineage);
}

/** `SET a = x, (b, c) = (SELECT …)`: each target column gets the lineage of its expression. */
function writeAssignments(target: Target, list: readonly Node[] | undefined, scope: Scope, ctx: LineageContext): void {
  for (const node of list ?? []) {
    const rt = nodeAs(node, 'ResTarget');
    if (!rt?.name) continue;
    const multi = nodeAs(rt.val, 'MultiAssignRef');
    write(target, rt.name, exprLineage(multi ? multi.source : rt.val, scope, ctx));
  }
}

/** INSERT … SELECT / VALUES: position-wise into the listed (or all) columns. */
function writeRows(target: Target, columns: string[], outputs: OutputColumn[]): void {
  const names =
    columns.length > 0 ? columns : target.relation.outputs.flatMap((o) => (o.spread || !o.name ? [] : [o.name]));
  if (hasSpread(outputs) || outputs.length > names.length) {
    const all = unionOf(outputs.map((o) => o.lineage));
    for (const n of names) write(target, n, all);
    return;
  }
  outputs.forEach((o, i) => {
    write(target, names[i] as string, o.lineage);
  });
}

/** Records sinks and puts the target (with what was written) in scope for RETURNING, also as `old` / `new`. */
function finish(
  target: Target,
  verb: string,
  returning: NodeOf<'ReturningClause'> | undefined,
  scope: Scope,
  ctx: LineageContext,
): OutputColumn[] {
  if (ctx.quiet === 0) {
    for (const [name, lineage] of target.written) {
      const key = sourceKey(target.schema, target.table, name);
      ctx.side.push({ clause: `${verb} ${target.schema}.${target.table}`, lineage, sink: true, target: key });
    }
  }
  if (!returning?.exprs) return [];
  const outputs = target.relation.outputs.map((o) => {
    const written = o.name === undefined ? undefined : target.written.get(o.name);
    return written ? { ...o, lineage: unionOf([o.lineage, written]) } : o;
  });
  // RETURNING sees the target with what was written, also as `old` / `new` (PostgreSQL 18), and FROM / USING items.
  const aliases = ['old', 'new'].map((name): Relation => ({ name, schema: undefined, outputs }));
  const self = relationItem({ ...target.relation, outputs });
  const items = [self, { relations: aliases, star: [] }, ...scope.items.slice(1)];
  return targetOutputs(returning.exprs, { parent: scope.parent, ctes: scope.ctes, items }, ctx);
}

function analyzeInsert(stmt: NodeOf<'InsertStmt'>, outer: Scope | undefined, ctx: LineageContext): OutputColumn[] {
  const scope = newScope(outer);
  registerCtes(stmt.withClause, scope, ctx);
  const outputs = stmt.selectStmt ? ctx.query(stmt.selectStmt, scope) : [];
  const target = openTarget(stmt.relation, scope, ctx);
  const columns = (stmt.cols ?? []).flatMap((c) => nodeAs(c, 'ResTarget')?.name ?? []);
  writeRows(target, columns, outputs);
  const conflict = stmt.onConflictClause;
  if (conflict) {
    const excluded = target.relation.outputs.map((o) => {
      const written = o.name === undefined ? undefined : target.written.get(o.name);
      return written ? column(o.name, written) : o;
    });
    scope.items.push({ relations: [{ name: 'excluded', schema: undefined, outputs: excluded }], star: [] });
    writeAssignments(target, conflict.targetList, scope, ctx);
    recordClause('WHERE', conflict.whereClause, scope, ctx);
  }
  return finish(target, 'INSERT INTO', stmt.returningClause, scope, ctx);
}

function analyzeUpdate(stmt: NodeOf<'UpdateStmt'>, outer: Scope | undefined, ctx: LineageContext): OutputColumn[] {
  const scope = newScope(outer);
  registerCtes(stmt.withClause, scope, ctx);
  const target = openTarget(stmt.relation, scope, ctx);
  const quals: unknown[] = [];
  for (const item of stmt.fromClause ?? []) scope.items.push(fromItem(item, scope, ctx, quals));
  for (const q of quals) recordClause('JOIN', q, scope, ctx);
  writeAssignments(target, stmt.targetList, scope, ctx);
  recordClause('WHERE', stmt.whereClause, scope, ctx);
  return finish(target, 'UPDATE', stmt.returningClause, scope, ctx);
}

function analyzeDelete(stmt: NodeOf<'DeleteStmt'>, outer: Scope | undefined, ctx: LineageContext): OutputColumn[] {
  const scope = newScope(outer);
  registerCtes(stmt.withClause, scope, ctx);
  const target = openTarget(stmt.relation, scope, ctx);
  const quals: unknown[] = [];
  for (const item of stmt.usingClause ?? []) scope.items.push(fromItem(item, scope, ctx, quals));
  for (const q of quals) recordClause('JOIN', q, scope, ctx);
  recordClause('WHERE', stmt.whereClause, scope, ctx);
  return finish(target, 'DELETE FROM', stmt.returningClause, scope, ctx);
}

function analyzeMerge(stmt: NodeOf<'MergeStmt'>, outer: Scope | undefined, ctx: LineageContext): OutputColumn[] {
  const scope = newScope(outer);
  registerCtes(stmt.withClause, scope, ctx);
  const target = openTarget(stmt.relation, scope, ctx);
  const quals: unknown[] = [];
  scope.items.push(fromItem(stmt.sourceRelation, scope, ctx, quals));
  for (const q of quals) recordClause('JOIN', q, scope, ctx);
  recordClause('MERGE ON', stmt.joinCondition, scope, ctx);
  for (const node of stmt.mergeWhenClauses ?? []) {
    const when = nodeAs(node, 'MergeWhenClause');
    if (!when) continue;
    recordClause('WHEN', when.condition, scope, ctx);
    if (when.commandType === 'CMD_INSERT') {
      const columns = (when.targetList ?? []).flatMap((c) => nodeAs(c, 'ResTarget')?.name ?? []);
      writeRows(
        target,
        columns,
        (when.values ?? []).map((v) => column(undefined, exprLineage(v, scope, ctx))),
      );
    } else {
      writeAssignments(target, when.targetList, scope, ctx);
    }
  }
  return finish(target, 'MERGE INTO', stmt.returningClause, scope, ctx);
}

/** RETURNING outputs of a DML statement (empty without RETURNING). */
export function analyzeDml(node: Node, outer: Scope | undefined, ctx: LineageContext): OutputColumn[] | undefined {
  const insert = nodeAs(node, 'InsertStmt');
  if (insert) return analyzeInsert(insert, outer, ctx);
  const update = nodeAs(node, 'UpdateStmt');
  if (update) return analyzeUpdate(update, outer, ctx);
  const del = nodeAs(node, 'DeleteStmt');
  if (del) return analyzeDelete(del, outer, ctx);
  const merge = nodeAs(node, 'MergeStmt');
  if (merge) return analyzeMerge(merge, outer, ctx);
  return undefined;
}
