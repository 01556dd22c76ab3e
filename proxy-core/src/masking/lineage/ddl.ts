/**
 * DDL that would take masked data out from under the masking policy, which names columns by table and column:
 * renaming a masked column or the table that holds it, moving that table to another schema, and a generated column
 * computed from a masked one (a copy the agent could read unmasked). Each is recorded as a sink, so a policy that lets
 * agents alter tables still cannot unmask with it.
 */
import { exprLineage } from './expression';
import { type ResolvedRelation, resolveRelation } from './from-clause';
import { type Lineage, sourceKey, unionOf } from './lineage';
import { type NodeOf, nodeAs } from './pg-node';
import { columnIn, type LineageContext, newScope, relationItem } from './scope';

/** Objects that store rows: a view's columns are masked by their lineage, whatever it is called. */
const STORED = new Set(['OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_MATVIEW']);

const UNMASKS = 'would unmask';

/** The relation an ALTER names, unless the catalog knows it as a view. */
function storedRelation(rv: NodeOf<'RangeVar'> | undefined, ctx: LineageContext): ResolvedRelation | undefined {
  if (!rv?.relname) return undefined;
  const resolved = resolveRelation(rv.schemaname, rv.relname, ctx);
  if (ctx.catalog.viewDefinition?.(resolved.schema, resolved.table) !== undefined) return undefined;
  return resolved;
}

function everyColumn(relation: ResolvedRelation): Lineage {
  return unionOf(relation.outputs.map((o) => o.lineage));
}

/** ALTER TABLE … RENAME [COLUMN] … TO …, ALTER TABLE … RENAME TO … */
export function recordRename(rename: NodeOf<'RenameStmt'>, ctx: LineageContext): void {
  const type = rename.renameType ?? '';
  const ofColumn = type === 'OBJECT_COLUMN' && STORED.has(rename.relationType ?? '');
  if (!ofColumn && !STORED.has(type)) return;
  const relation = storedRelation(rename.relation, ctx);
  if (!relation) return;
  const lineage = ofColumn ? columnIn(relation.outputs, rename.subname ?? '') : everyColumn(relation);
  if (lineage) ctx.side.push({ clause: 'renaming', verb: UNMASKS, lineage, sink: true });
}

/** ALTER TABLE … SET SCHEMA: a policy may name the column with its schema. */
export function recordSchemaMove(move: NodeOf<'AlterObjectSchemaStmt'>, ctx: LineageContext): void {
  if (!STORED.has(move.objectType ?? '')) return;
  const relation = storedRelation(move.relation, ctx);
  if (relation)
    ctx.side.push({ clause: 'moving to another schema', verb: UNMASKS, lineage: everyColumn(relation), sink: true });
}

/** ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS (…), ALTER COLUMN … SET EXPRESSION AS (…) */
export function recordAlterTable(alter: NodeOf<'AlterTableStmt'>, ctx: LineageContext): void {
  const relation = storedRelation(alter.relation, ctx);
  if (!relation) return;
  const scope = newScope(undefined);
  scope.items.push(relationItem({ name: relation.table, schema: relation.schema, outputs: relation.outputs }));
  for (const node of alter.cmds ?? []) {
    const cmd = nodeAs(node, 'AlterTableCmd');
    const def = nodeAs(cmd?.def, 'ColumnDef');
    const generated = def?.constraints
      ?.map((c) => nodeAs(c, 'Constraint'))
      .find((c) => c?.contype === 'CONSTR_GENERATED')?.raw_expr;
    const target = cmd?.subtype === 'AT_AddColumn' ? def?.colname : cmd?.name;
    const expression =
      cmd?.subtype === 'AT_AddColumn' ? generated : cmd?.subtype === 'AT_SetExpression' ? cmd.def : undefined;
    if (expression === undefined || target === undefined) continue;
    ctx.side.push({
      clause: 'a generated column',
      lineage: exprLineage(expression, scope, ctx),
      sink: true,
      target: sourceKey(relation.schema, relation.table, target),
    });
  }
}
