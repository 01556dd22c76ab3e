/**
 * DDL that would take masked data out from under the masking policy, which names columns by table and column:
 * renaming a masked column or the table that holds it, moving that table to another schema, a column computed from a
 * masked one (generated, or converted `USING` it: a copy the agent could read unmasked), and code that runs later on rows: a rule's
 * actions, a trigger, a row security policy. Each is recorded as a sink or side channel, so a policy that lets agents
 * alter tables still cannot unmask with it.
 */
import { exprLineage, recordClause } from './expression';
import { type ResolvedRelation, resolveRelation } from './from-clause';
import { type Lineage, sourceKey, unionOf } from './lineage';
import { type NodeOf, nodeAs, stringsOf } from './pg-node';
import { columnIn, type LineageContext, newScope, relationItem, type Scope } from './scope';

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

/** A scope holding `relation` under its own name and the `extra` names (a rule's NEW and OLD). */
function scopeOf(relation: ResolvedRelation, extra: string[] = []): Scope {
  const scope = newScope(undefined);
  for (const name of [relation.table, ...extra]) {
    const schema = name === relation.table ? relation.schema : undefined;
    scope.items.push(relationItem({ name, schema, outputs: relation.outputs }));
  }
  return scope;
}

/** What an ALTER TABLE command computes into a column from the row: the column and the expression. */
function computedInto(cmd: NodeOf<'AlterTableCmd'> | undefined): { column: string; expression: unknown } | undefined {
  const def = nodeAs(cmd?.def, 'ColumnDef');
  switch (cmd?.subtype) {
    case 'AT_AddColumn': {
      // ADD COLUMN … GENERATED ALWAYS AS (…)
      const generated = def?.constraints
        ?.map((c) => nodeAs(c, 'Constraint'))
        .find((c) => c?.contype === 'CONSTR_GENERATED')?.raw_expr;
      return def?.colname && generated ? { column: def.colname, expression: generated } : undefined;
    }
    case 'AT_AlterColumnType': // ALTER COLUMN … TYPE … USING (…)
      return cmd.name && def?.raw_default ? { column: cmd.name, expression: def.raw_default } : undefined;
    case 'AT_SetExpression': // ALTER COLUMN … SET EXPRESSION AS (…)
      return cmd.name && cmd.def ? { column: cmd.name, expression: cmd.def } : undefined;
    default:
      return undefined;
  }
}

/** ALTER TABLE commands that compute a column from the row (a generated column, a type change USING …). */
export function recordAlterTable(alter: NodeOf<'AlterTableStmt'>, ctx: LineageContext): void {
  const relation = storedRelation(alter.relation, ctx);
  if (!relation) return;
  const scope = scopeOf(relation);
  for (const node of alter.cmds ?? []) {
    const into = computedInto(nodeAs(node, 'AlterTableCmd'));
    if (!into) continue;
    ctx.side.push({
      clause: 'ALTER TABLE',
      lineage: exprLineage(into.expression, scope, ctx),
      sink: true,
      target: sourceKey(relation.schema, relation.table, into.column),
    });
  }
}

/** CREATE RULE: its actions run with the statements it fires for; they are judged now, as if the agent sent them. */
export function recordRule(rule: NodeOf<'RuleStmt'>, ctx: LineageContext): void {
  const rv = rule.relation;
  if (!rv?.relname) return;
  const scope = scopeOf(resolveRelation(rv.schemaname, rv.relname, ctx), ['new', 'old']);
  recordClause('a rule condition', rule.whereClause, scope, ctx);
  for (const action of rule.actions ?? []) ctx.query(action, scope);
}

/**
 * CREATE TRIGGER: a user function runs code masking cannot follow on every row it fires for (it may copy a masked
 * table anywhere), so the statement is opaque; a built-in one (`tsvector_update_trigger`) copies the columns its
 * arguments name.
 */
export function recordTrigger(trigger: NodeOf<'CreateTrigStmt'>, ctx: LineageContext): string | undefined {
  const names = stringsOf(trigger.funcname);
  const name = names[names.length - 1] ?? '';
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  if (ctx.catalog.functionKind?.(schema, name) !== 'builtin')
    return `a trigger runs ${name}(), which may read any table`;
  const relation = storedRelation(trigger.relation, ctx);
  if (!relation) return undefined;
  const named = stringsOf(trigger.args).flatMap((arg) => {
    const lineage = columnIn(relation.outputs, arg);
    return lineage ? [lineage] : [];
  });
  const lineage = named.length > 0 ? unionOf(named) : undefined;
  if (lineage) ctx.side.push({ clause: `a trigger of ${name}()`, lineage, sink: true });
  return undefined;
}

/** CREATE / ALTER POLICY: which rows a statement sees would depend on the masked values its conditions read. */
export function recordRowPolicy(
  policy: NodeOf<'CreatePolicyStmt'> | NodeOf<'AlterPolicyStmt'>,
  ctx: LineageContext,
): void {
  const rv = policy.table;
  if (!rv?.relname) return;
  const scope = scopeOf(resolveRelation(rv.schemaname, rv.relname, ctx));
  recordClause('a row security policy', policy.qual, scope, ctx);
  recordClause('a row security policy', policy.with_check, scope, ctx);
}
