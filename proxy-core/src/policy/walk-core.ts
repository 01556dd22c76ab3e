/**
 * The core of the parse-tree walk (issue 3 §1): a context that says where tables and function calls go (which
 * part of the statement), the generic walk over every node of the tree, and SQL nested in strings. Statement
 * handlers (statement-handlers.ts, body-handlers.ts) decide the parts; sql-walker.ts puts them together.
 */
import { parseSync } from 'libpg-query';
import { categorizeFunction, ROLE_SETTINGS } from './function-categories';
import { constantString, str, stringList } from './parse-tree-values';
import type { FunctionCall, StatementKind } from './policy.types';
import { formatQualifiedName } from './qualified-name';
import { SEARCH_PATH_NOTE, SHADOWING_NOTE, searchPathSchemas, shadowsBuiltins } from './search-path';
import { statementKindOf } from './statement-kind-of';

export type Obj = Record<string, unknown>;

export interface PartBuilder {
  kind: StatementKind;
  via: string;
  tables: Set<string>;
  calls: Map<string, FunctionCall>;
  /** Dropped when it ends empty (the read part of a DML statement that reads nothing). */
  optional: boolean;
  prepared?: string;
}

/** What one top-level statement collects while it is walked. */
export interface StatementSink {
  parts: PartBuilder[];
  deferred: PartBuilder[];
  notes: string[];
  unparsed: string[];
  prepares?: string;
  /** DEALLOCATE name; `null` for DEALLOCATE ALL and DISCARD ALL. */
  deallocates?: string | null;
}

export interface Ctx {
  readonly sink: StatementSink;
  /** Where new parts go: the sink's parts, or its deferred parts inside bodies that run later. */
  readonly deferred: boolean;
  readonly tablesTo: PartBuilder | null;
  readonly functionsTo: PartBuilder | null;
  /** CTE names visible here: an unqualified reference to one is not a table. */
  readonly ctes: ReadonlySet<string>;
  /** Plain EXPLAIN: nothing inside executes, so nested statements fold into the explain part. */
  readonly fold: boolean;
  readonly via: string;
  /** The statement at the root of this walk is an expression wrapper (`SELECT <expr>`): drop it when empty. */
  readonly optionalRoot: boolean;
  /** Source text of the statement at the root of this walk, for the PL/pgSQL compiler. */
  readonly text: string | null;
  readonly depth: number;
  /**
   * In the target list of `SELECT … FROM pg_settings WHERE name = '…'` (what pg_dump sends): the one setting its
   * `name` column can hold, and the names that may qualify that column there.
   */
  readonly settingsRow?: SettingsRow;
  /** Statement node type → handler; a `…Stmt` node without one is classified by its type alone. */
  readonly handlers: Readonly<Record<string, Handler>>;
}

export type Handler = (p: Obj, ctx: Ctx) => void;

export interface SettingsRow {
  setting: string;
  qualifiers: ReadonlySet<string>;
}

/** Nesting of SQL inside SQL (DO → EXECUTE → DO …) beyond this is unparsed rather than followed. */
export const MAX_DEPTH = 8;
export const NO_CTES: ReadonlySet<string> = new Set();

export function walkValue(value: unknown, ctx: Ctx): void {
  if (Array.isArray(value)) {
    for (const v of value) walkValue(v, ctx);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Obj;
  const keys = Object.keys(obj);
  const only = keys.length === 1 ? (keys[0] as string) : undefined;
  // A node is `{ TypeName: payload }`; a field holding a payload directly (`DeleteStmt.relation`) is not wrapped.
  if (only !== undefined && only.charCodeAt(0) >= 65 && only.charCodeAt(0) <= 90) walkNode(only, obj[only], ctx);
  else walkFields(obj, ctx);
}

export function walkFields(payload: Obj, ctx: Ctx, skip?: ReadonlySet<string>): void {
  if (typeof payload.relname === 'string') {
    addTable(payload, ctx);
    return;
  }
  for (const key in payload) if (skip === undefined || !skip.has(key)) walkValue(payload[key], ctx);
}

function walkNode(type: string, payload: unknown, ctx: Ctx): void {
  const p = (payload ?? {}) as Obj;
  switch (type) {
    case 'RangeVar':
      addTable(p, ctx);
      return;
    case 'FuncCall':
      addCall(p, ctx);
      walkFields(p, ctx, FUNCNAME);
      return;
    case 'A_Const':
    case 'String':
    case 'Integer':
    case 'Float':
    case 'Boolean':
    case 'BitString':
    case 'ColumnRef':
    case 'ParamRef':
      return;
  }
  const handler = ctx.handlers[type];
  // A statement nested in that target list (in SQL text, say) has columns of its own.
  const own = ctx.settingsRow !== undefined && type.endsWith('Stmt') ? { ...ctx, settingsRow: undefined } : ctx;
  if (handler !== undefined) handler(p, own);
  else if (type.endsWith('Stmt')) genericStatement(type, p, own);
  else walkFields(p, own);
}

export const FUNCNAME: ReadonlySet<string> = new Set(['funcname']);

export function open(kind: StatementKind, ctx: Ctx, via = ctx.via, optional = false): PartBuilder {
  if (ctx.fold && ctx.tablesTo !== null) return ctx.tablesTo;
  const part: PartBuilder = {
    kind,
    via,
    tables: new Set(),
    calls: new Map(),
    optional: optional || (ctx.optionalRoot && ctx.tablesTo === null),
  };
  (ctx.deferred ? ctx.sink.deferred : ctx.sink.parts).push(part);
  return part;
}

export function inPart(ctx: Ctx, part: PartBuilder, via = 'nested'): Ctx {
  return { ...ctx, tablesTo: part, functionsTo: part, via, text: null };
}

export function addTable(rangeVar: Obj, ctx: Ctx, to: PartBuilder | null = ctx.tablesTo): void {
  const relname = str(rangeVar.relname);
  if (relname === undefined || to === null) return;
  const schema = str(rangeVar.schemaname);
  const catalog = str(rangeVar.catalogname);
  if (schema === undefined && catalog === undefined && ctx.ctes.has(relname)) return;
  const parts =
    catalog !== undefined ? [catalog, schema ?? '', relname] : schema !== undefined ? [schema, relname] : [relname];
  to.tables.add(formatQualifiedName(parts));
}

export function addNamedTable(names: readonly string[], to: PartBuilder): void {
  if (names.length > 0) to.tables.add(formatQualifiedName(names));
}

export function addCall(call: Obj, ctx: Ctx): void {
  const names = stringList(call.funcname);
  const last = names[names.length - 1];
  const to = ctx.functionsTo ?? ctx.tablesTo;
  if (last === undefined || to === null) return;
  const args = Array.isArray(call.args) ? call.args : [];
  const setConfig = last.toLowerCase() === 'set_config';
  const first =
    args.length === 0 ? undefined : (constantString(args[0]) ?? (setConfig ? rowSetting(args[0], ctx) : null));
  const categories = categorizeFunction(last, first);
  if (setConfig && args.length > 1) {
    if (typeof first === 'string') {
      const value = constantString(args[1]);
      lexerSetting(first.toLowerCase(), value, ctx);
      if (typeof value === 'string' && readsAsSet(first.toLowerCase(), value, ctx)) {
        open('set', ctx, 'set_config()');
        return;
      }
    } else unparsed(ctx, 'set_config() of a computed setting name');
  }
  const name = formatQualifiedName(names);
  to.calls.set(`${name}|${categories.join(',')}`, { function: name, categories });
  if (categories.includes('dynamic_sql')) dynamicSqlArgument(last.toLowerCase(), args.length, first, ctx);
}

/** `name` (or `s.name`) in the target list of `SELECT … FROM pg_settings s WHERE name = '…'`: that setting. */
function rowSetting(arg: unknown, ctx: Ctx): string | null {
  const row = ctx.settingsRow;
  return row !== undefined && isNameColumn(arg, row.qualifiers) ? row.setting : null;
}

/** A reference to the column `name`, bare or qualified by one of `qualifiers`. */
export function isNameColumn(node: unknown, qualifiers: ReadonlySet<string>): boolean {
  const ref = (node as Obj | undefined)?.ColumnRef as Obj | undefined;
  if (ref === undefined || !Array.isArray(ref.fields)) return false;
  const fields = stringList(ref.fields);
  if (fields.length !== ref.fields.length || fields.at(-1) !== 'name') return false;
  return fields.length === 1 || (fields.length === 2 && qualifiers.has(fields[0] as string));
}

/**
 * `set_config('statement_timeout', '0', false)` (what pg_dump and ORMs send) does what `SET statement_timeout = 0`
 * does: with its setting and value both literals it is a `set` like that statement, not a `config_change`. A role
 * setting, a search_path that shadows built-ins or a computed value keep the category.
 */
function readsAsSet(setting: string, value: string, ctx: Ctx): boolean {
  if (ROLE_SETTINGS.has(setting)) return false;
  return setting !== 'search_path' || !noteSearchPath(searchPathSchemas(value), ctx);
}

/** A statement sets search_path to `schemas`: noted, with whether that path shadows built-ins (returned). */
export function noteSearchPath(schemas: readonly string[], ctx: Ctx): boolean {
  ctx.sink.notes.push(SEARCH_PATH_NOTE);
  const shadows = shadowsBuiltins(schemas);
  if (shadows) ctx.sink.notes.push(SHADOWING_NOTE);
  return shadows;
}

/** query_to_xml('…'), ts_stat('…'): classify the SQL they run; table_to_xml('t'): the table they read. */
function dynamicSqlArgument(fn: string, argCount: number, first: string | null | undefined, ctx: Ctx): void {
  const runsQuery = fn.startsWith('query_to_xml') || fn === 'ts_stat' || (fn === 'ts_rewrite' && argCount === 2);
  const readsTable = fn.startsWith('table_to_xml');
  if (!runsQuery && !readsTable) return;
  if (typeof first !== 'string') {
    unparsed(ctx, `${fn}() of a string that is not a literal`);
  } else if (readsTable) {
    const to = ctx.tablesTo ?? ctx.functionsTo;
    if (to !== null) to.tables.add(first.trim());
  } else {
    walkSqlText(first, ctx, `${fn}()`);
  }
}

export function unparsed(ctx: Ctx, reason: string): void {
  if (ctx.deferred) ctx.sink.notes.push(`not analyzed in a body that runs later: ${reason}`);
  else ctx.sink.unparsed.push(reason);
}

/** Classifies SQL text found inside a statement (EXECUTE '…', a SQL function body, query_to_xml('…')). */
export function walkSqlText(sql: string, ctx: Ctx, via: string, expression = false): void {
  if (ctx.depth >= MAX_DEPTH) {
    unparsed(ctx, `${via}: SQL nested more than ${MAX_DEPTH} levels deep`);
    return;
  }
  let stmts: Array<{ stmt?: unknown; stmt_location?: number; stmt_len?: number }>;
  try {
    stmts = sql.trim() === '' ? [] : ((parseSync(sql).stmts ?? []) as typeof stmts);
  } catch (e) {
    unparsed(ctx, `${via}: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  for (const raw of stmts) {
    const text = sliceUtf8(sql, raw.stmt_location ?? 0, raw.stmt_len ?? 0);
    walkValue(raw.stmt, {
      ...ctx,
      tablesTo: null,
      functionsTo: null,
      ctes: NO_CTES,
      fold: false,
      via,
      optionalRoot: expression,
      text,
      depth: ctx.depth + 1,
    });
  }
}

/** libpg-query locations are UTF-8 byte offsets; `len` 0 means "to the end". */
export function sliceUtf8(sql: string, location: number, len: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  if (!/[^\u0000-\u007f]/.test(sql))
    return (len === 0 ? sql.slice(location) : sql.slice(location, location + len)).trim();
  const bytes = Buffer.from(sql, 'utf8');
  return bytes
    .subarray(location, len === 0 ? bytes.length : location + len)
    .toString('utf8')
    .trim();
}

export function genericStatement(type: string, p: Obj, ctx: Ctx): void {
  const part = open(statementKindOf(type, p), ctx);
  walkFields(p, inPart(ctx, part));
}

export function deferredCtx(ctx: Ctx, via: string): Ctx {
  return {
    ...ctx,
    deferred: true,
    tablesTo: null,
    functionsTo: null,
    fold: false,
    via,
    optionalRoot: false,
    text: null,
  };
}

/**
 * Settings that change how the server splits SQL into tokens. The classifier parses as PostgreSQL does by default
 * (standard_conforming_strings on, UTF-8): with `standard_conforming_strings = off`, `'x\' , ' ; DROP TABLE t; --'`
 * is one harmless SELECT to the parser and a DROP to the server. Changing them is therefore unparsed.
 */
export function lexerSetting(name: string, value: string | null, ctx: Ctx): void {
  const v = value?.toLowerCase().replaceAll(/[-_]/g, '');
  const safe =
    name === 'standard_conforming_strings'
      ? v === 'on' || v === 'true'
      : name === 'client_encoding'
        ? v === 'utf8' || v === 'unicode'
        : name === 'backslash_quote'
          ? v === 'off' || v === 'false' || v === 'safeencoding'
          : true;
  if (!safe)
    unparsed(
      ctx,
      `sets ${name}${value === null ? '' : ` to ${value}`}: SQL after it would be read differently by the server`,
    );
}
