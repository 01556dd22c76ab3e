/**
 * Handlers of the statements that execute now: SELECT (CTEs, set operations, SELECT INTO, FOR UPDATE), DML with
 * what it reads, EXPLAIN [ANALYZE], PREPARE/EXECUTE, COPY, SET, DROP/COMMENT on relations, CALL.
 */
import { constantString, constantValue, str, stringList } from './parse-tree-values';
import { SEARCH_PATH_NOTE } from './search-path';
import { statementKindOf } from './statement-kind-of';
import { RELATION_OBJECT_TYPES, TABLE_MEMBER_OBJECT_TYPES } from './statement-kinds';
import {
  addCall,
  addNamedTable,
  addTable,
  type Ctx,
  FUNCNAME,
  genericStatement,
  type Handler,
  inPart,
  isNameColumn,
  lexerSetting,
  NO_CTES,
  noteSearchPath,
  type Obj,
  open,
  type PartBuilder,
  type SettingsRow,
  walkFields,
  walkValue,
} from './walk-core';

export function selectStmt(p: Obj, ctx: Ctx): void {
  let outer = ctx;
  if (p.intoClause !== undefined) {
    // SELECT … INTO t creates t (issue 3: "CREATE TABLE AS / SELECT INTO are create").
    const create = open('create_table', ctx);
    addTable(((p.intoClause as Obj).rel ?? {}) as Obj, ctx, create);
    outer = inPart(ctx, create, 'read');
  }
  const merge = outer.tablesTo !== null && outer.tablesTo.kind === 'select';
  const part = merge ? (outer.tablesTo as PartBuilder) : open('select', outer);
  const inner: Ctx = { ...outer, tablesTo: part, functionsTo: merge ? outer.functionsTo : part, via: 'subquery' };
  const scoped = withCtes(p.withClause, inner);
  const settingsRow = pgSettingsRow(p);
  for (const key in p)
    if (!SELECT_SKIP.has(key))
      walkValue(p[key], key === 'targetList' && settingsRow ? { ...scoped, settingsRow } : scoped);
  // Set operations hold their arms unwrapped: each is a SELECT of its own, with its own WITH.
  if (p.larg !== undefined) selectStmt(p.larg as Obj, { ...scoped, tablesTo: part });
  if (p.rarg !== undefined) selectStmt(p.rarg as Obj, { ...scoped, tablesTo: part });
  if (Array.isArray(p.lockingClause) && p.lockingClause.length > 0) lockingClause(part, scoped);
}

/**
 * `SELECT set_config(name, 'view, foreign-table', false) FROM pg_settings WHERE name = 'restrict_nonsystem_relation_kind'`
 * (pg_dump, since the 2024 minor releases): the only rows are those of that setting, so `name` in the target list is
 * that literal. Exactly one relation, `pg_settings`, and exactly `name = '…'`; anything else is left computed.
 */
function pgSettingsRow(p: Obj): SettingsRow | undefined {
  const from = Array.isArray(p.fromClause) && p.fromClause.length === 1 ? (p.fromClause[0] as Obj).RangeVar : undefined;
  const rel = from as Obj | undefined;
  if (rel === undefined || str(rel.relname) !== 'pg_settings') return undefined;
  const schema = str(rel.schemaname);
  if (schema !== undefined && schema !== 'pg_catalog') return undefined;
  const where = (p.whereClause as Obj | undefined)?.A_Expr as Obj | undefined;
  if (where?.kind !== 'AEXPR_OP' || stringList(where.name).join('.') !== '=') return undefined;
  const alias = str((rel.alias as Obj | undefined)?.aliasname);
  const qualifiers = new Set(alias === undefined ? ['pg_settings'] : [alias]);
  const setting = isNameColumn(where.lexpr, qualifiers)
    ? constantString(where.rexpr)
    : isNameColumn(where.rexpr, qualifiers)
      ? constantString(where.lexpr)
      : null;
  return setting === null ? undefined : { setting, qualifiers };
}

const SELECT_SKIP: ReadonlySet<string> = new Set(['withClause', 'intoClause', 'lockingClause', 'larg', 'rarg']);

/**
 * SELECT … FOR UPDATE / SHARE locks rows: a `lock_rows` part on the tables the SELECT reads (`OF x` names FROM items,
 * often aliases, so it is not used to narrow them).
 */
function lockingClause(select: PartBuilder, ctx: Ctx): void {
  const lock = open('lock_rows', ctx, 'for update');
  for (const t of select.tables) lock.tables.add(t);
}

export function dmlStatement(kind: 'insert' | 'update' | 'delete' | 'merge'): Handler {
  return (p, ctx) => {
    const target = open(kind, ctx);
    // The target of a DML statement is always a table: a CTE cannot be written to.
    addTable((p.relation ?? {}) as Obj, { ...ctx, ctes: NO_CTES }, target);
    const read = open('select', ctx, 'read', true);
    const inner: Ctx = { ...ctx, tablesTo: read, functionsTo: target, via: 'subquery' };
    const scoped = withCtes(p.withClause, inner);
    walkFields(p, scoped, DML_SKIP);
    const conflict = p.onConflictClause as Obj | undefined;
    if (conflict?.action === 'ONCONFLICT_UPDATE') {
      const update = open('update', ctx, 'on conflict');
      for (const t of target.tables) update.tables.add(t);
    }
  };
}

const DML_SKIP: ReadonlySet<string> = new Set(['relation', 'withClause']);

/** Walks the CTEs of a WITH clause and returns the names visible to the statement body. */
function withCtes(withClause: unknown, ctx: Ctx): Ctx {
  const wc = withClause as Obj | undefined;
  if (wc === undefined || !Array.isArray(wc.ctes)) return ctx;
  const ctes = wc.ctes.map((c) => ((c as Obj).CommonTableExpr ?? {}) as Obj);
  const all = new Set(ctx.ctes);
  for (const c of ctes) if (typeof c.ctename === 'string') all.add(c.ctename);
  // A non-recursive CTE sees only the CTEs before it: inside `WITH t AS (SELECT * FROM t)` the inner t is a table.
  const visible = new Set(ctx.ctes);
  for (const c of ctes) {
    walkValue(c.ctequery, { ...ctx, ctes: wc.recursive === true ? all : new Set(visible), via: 'cte' });
    if (typeof c.ctename === 'string') visible.add(c.ctename);
  }
  return { ...ctx, ctes: all };
}

export function explainStmt(p: Obj, ctx: Ctx): void {
  if (explainAnalyzes(p.options)) {
    // EXPLAIN ANALYZE runs the statement: it is what it explains.
    walkValue(p.query, { ...ctx, via: 'explain analyze' });
    return;
  }
  const part = open('explain', ctx);
  walkValue(p.query, { ...inPart(ctx, part), fold: true });
}

function explainAnalyzes(options: unknown): boolean {
  if (!Array.isArray(options)) return false;
  return options.some((o) => {
    const d = ((o as Obj).DefElem ?? {}) as Obj;
    if (d.defname !== 'analyze') return false;
    if (d.arg === undefined) return true;
    const v = constantValue(d.arg);
    return !(
      v === false ||
      v === 0 ||
      (typeof v === 'string' && ['false', 'off', 'no', '0'].includes(v.toLowerCase()))
    );
  });
}

/** PREPARE is classified as what it prepares; a top-level one is remembered (prepared-statements.ts) for EXECUTE. */
export function prepareStmt(p: Obj, ctx: Ctx): void {
  if (typeof p.name === 'string' && ctx.tablesTo === null && ctx.depth === 0) ctx.sink.prepares = p.name;
  walkValue(p.query, { ...ctx, via: 'prepare' });
}

export function executeStmt(p: Obj, ctx: Ctx): void {
  const part = open('execute', ctx);
  if (typeof p.name === 'string' && part.kind === 'execute') part.prepared = p.name;
  walkValue(p.params, inPart(ctx, part));
}

export function deallocateStmt(p: Obj, ctx: Ctx): void {
  genericStatement('DeallocateStmt', p, ctx);
  ctx.sink.deallocates = p.isall === true || typeof p.name !== 'string' ? null : p.name;
}

export function discardStmt(p: Obj, ctx: Ctx): void {
  genericStatement('DiscardStmt', p, ctx);
  if (p.target === 'DISCARD_ALL') ctx.sink.deallocates = null;
}

export function createTableAs(p: Obj, ctx: Ctx): void {
  const part = open(p.objtype === 'OBJECT_MATVIEW' ? 'create_materialized_view' : 'create_table', ctx);
  addTable(((p.into as Obj | undefined)?.rel ?? {}) as Obj, ctx, part);
  walkValue(p.query, inPart(ctx, part, 'query'));
}

/**
 * COPY is copy_to / copy_from / copy_program. A server file or program is also a call `copy()` in the category
 * server_file_access, so that, like pg_read_file(), only a rule naming that category allows it: a rule allowing
 * copy_from for `COPY … FROM STDIN` does not let `COPY … FROM '/etc/passwd'` through.
 */
export function copyStmt(p: Obj, ctx: Ctx): void {
  const kind = p.is_program === true ? 'copy_program' : p.is_from === true ? 'copy_from' : 'copy_to';
  const part = open(kind, ctx);
  const file = str(p.filename);
  if (file !== undefined)
    part.calls.set('copy|server_file_access', { function: 'copy', categories: ['server_file_access'] });
  if (p.is_program === true) ctx.sink.notes.push(`COPY runs a program on the database server: ${file ?? ''}`);
  else if (file !== undefined)
    ctx.sink.notes.push(`COPY ${p.is_from === true ? 'reads' : 'writes'} server file ${file}`);
  else ctx.sink.notes.push(`COPY ${p.is_from === true ? 'FROM STDIN' : 'TO STDOUT'}`);
  walkFields(p, inPart(ctx, part, 'copy'));
}

export function variableSet(p: Obj, ctx: Ctx): void {
  const name = str(p.name)?.toLowerCase();
  // Each argument is one schema name, exact (the parser folded unquoted ones). Like set_config(), a path that
  // shadows built-ins is a config_change, which only a rule naming that category allows.
  const schemas = Array.isArray(p.args) ? p.args.map((a) => String(constantValue(a) ?? '')) : [];
  let shadows = false;
  if (name === 'search_path') {
    if (p.kind === 'VAR_SET_VALUE') shadows = noteSearchPath(schemas, ctx);
    else ctx.sink.notes.push(SEARCH_PATH_NOTE);
  }
  const value = Array.isArray(p.args) ? constantValue(p.args[0]) : undefined;
  if (p.kind === 'VAR_SET_VALUE' && name !== undefined)
    lexerSetting(name, typeof value === 'string' ? value : null, ctx);
  if (shadows) {
    const part = open(statementKindOf('VariableSetStmt', p), ctx);
    part.calls.set('set_config|config_change', { function: 'set_config', categories: ['config_change'] });
    walkFields(p, inPart(ctx, part));
    return;
  }
  genericStatement('VariableSetStmt', p, ctx);
}

export function dropStmt(p: Obj, ctx: Ctx): void {
  const part = open(statementKindOf('DropStmt', p), ctx);
  objectTables(str(p.removeType), p.objects, part);
  walkFields(p, inPart(ctx, part), OBJECTS);
}

export function objectStatement(type: string, field: 'object'): Handler {
  return (p, ctx) => {
    const part = open(statementKindOf(type, p), ctx);
    objectTables(str(p.objtype), [p[field]], part);
    walkFields(p, inPart(ctx, part), OBJECT);
  };
}

const OBJECTS: ReadonlySet<string> = new Set(['objects']);

const OBJECT: ReadonlySet<string> = new Set(['object']);

/** DROP / COMMENT name objects as name lists, not RangeVars: the ones that are relations are tables. */
function objectTables(objectType: string | undefined, objects: unknown, part: PartBuilder): void {
  if (objectType === undefined || !Array.isArray(objects)) return;
  const relation = RELATION_OBJECT_TYPES.has(objectType);
  if (!relation && !TABLE_MEMBER_OBJECT_TYPES.has(objectType)) return;
  for (const o of objects) {
    const names = stringList(((o as Obj | undefined)?.List as Obj | undefined)?.items);
    addNamedTable(relation ? names : names.slice(0, -1), part);
  }
}

export function callStmt(p: Obj, ctx: Ctx): void {
  const part = open('call', ctx);
  const inner = inPart(ctx, part);
  // CallStmt holds its FuncCall unwrapped.
  const call = (p.funccall ?? {}) as Obj;
  addCall(call, inner);
  walkFields(call, inner, FUNCNAME);
}
