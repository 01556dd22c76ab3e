/**
 * One lineage record per statement of a query string: what rows it returns (directly, through a cursor or
 * prepared statement it names, or as COPY data) with the lineage of each column, and its side channels.
 */
import type { Node, RawStmt } from 'libpg-query';
import type { CopyFormat, MaskingCatalog } from '../masking.types';
import { parseSql } from '../sql-parser';
import { recordAlterTable, recordRename, recordRowPolicy, recordRule, recordSchemaMove, recordTrigger } from './ddl';
import { analyzeDml } from './dml';
import { resolveRelation } from './from-clause';
import { CLEAN, column, type OutputColumn, type SideRef, spread, unionOf, unknownLineage } from './lineage';
import { kindOf, type NodeKey, type NodeOf, nodeAs, stringOf, stringsOf } from './pg-node';
import { columnIn, type LineageContext, type Scope } from './scope';
import { analyzeSelect } from './select';

export interface NamedResult {
  kind: 'cursor' | 'prepared';
  name: string;
}

export interface StatementLineage {
  /** What the statement itself sends back: rows (RowDescription + DataRow), COPY data, or neither. */
  result: 'rows' | 'copy' | 'none';
  outputs: readonly OutputColumn[];
  copy: CopyFormat | undefined;
  /** DECLARE / PREPARE: the query whose rows a later FETCH / EXECUTE returns. */
  defines: (NamedResult & { binary: boolean }) | undefined;
  /** FETCH / EXECUTE: rows come from what `defines` recorded (see named-results.ts). */
  uses: NamedResult | undefined;
  /** CLOSE / DEALLOCATE (name undefined: ALL) and DISCARD ALL. */
  closes: { kind: 'cursor' | 'prepared' | 'all'; name: string | undefined } | undefined;
  side: readonly SideRef[];
  /** Set when what the statement does cannot be analysed (DO, CALL, a parse failure). */
  opaque: string | undefined;
  /** Where the statement is in the query string. */
  location: number;
  length: number;
}

export interface AnalyzeOptions {
  /** The session's search_path for unqualified names. Default `['public']`. */
  searchPath?: readonly string[];
  /** Collects what the statements name and the catalog lacks (see LineageContext.missing). */
  missing?: Set<string>;
}

/** DECLARE … BINARY: FETCH returns binary-format values. @see src/include/nodes/parsenodes.h CURSOR_OPT_BINARY */
const CURSOR_OPT_BINARY = 0x1;

function defString(def: NodeOf<'DefElem'>): string | undefined {
  return stringOf(def.arg) ?? nodeAs(def.arg, 'A_Const')?.sval?.sval;
}

/** COPY options (`WITH (FORMAT csv, DELIMITER '|', …)` and the old `CSV HEADER` spelling parse alike). */
export function copyFormatOf(options: readonly Node[] | undefined): CopyFormat {
  let format: CopyFormat['format'] = 'text';
  const given: Record<string, string | undefined> = {};
  let header = false;
  for (const node of options ?? []) {
    const def = nodeAs(node, 'DefElem');
    const name = def?.defname?.toLowerCase();
    if (!def || !name) continue;
    const value = defString(def);
    if (name === 'format' && (value === 'csv' || value === 'binary' || value === 'text')) format = value;
    else if (name === 'header') {
      const flag = nodeAs(def.arg, 'Boolean')?.boolval ?? nodeAs(def.arg, 'Integer')?.ival;
      header = def.arg === undefined || flag === true || flag === 1 || (value !== undefined && value !== 'false');
    } else given[name] = value;
  }
  const csv = format === 'csv';
  const quote = given.quote ?? '"';
  return {
    format,
    delimiter: given.delimiter ?? (csv ? ',' : '\t'),
    null: given.null ?? (csv ? '' : '\\N'),
    quote,
    escape: given.escape ?? quote,
    header,
  };
}

function copyOutputs(copy: NodeOf<'CopyStmt'>, ctx: LineageContext): OutputColumn[] {
  if (copy.query) return ctx.query(copy.query, undefined);
  const rv = copy.relation;
  const resolved = resolveRelation(rv?.schemaname, rv?.relname ?? '', ctx);
  const listed = stringsOf(copy.attlist);
  if (listed.length === 0) return resolved.outputs;
  return listed.map((n) =>
    column(n, columnIn(resolved.outputs, n) ?? unknownLineage(`column ${n} is not in the catalog`)),
  );
}

type Analysis = Omit<StatementLineage, 'side' | 'location' | 'length'>;

const NOTHING: Analysis = {
  result: 'none',
  outputs: [],
  copy: undefined,
  defines: undefined,
  uses: undefined,
  closes: undefined,
  opaque: undefined,
};

function analyzeCopy(copy: NodeOf<'CopyStmt'>, ctx: LineageContext): Analysis {
  if (copy.is_from) return NOTHING;
  const outputs = copyOutputs(copy, ctx);
  if (copy.filename !== undefined || copy.is_program) {
    const where = copy.is_program ? 'COPY TO PROGRAM' : 'COPY TO file';
    ctx.side.push({ clause: where, lineage: unionOf(outputs.map((o) => o.lineage)), sink: true });
    return NOTHING;
  }
  return { ...NOTHING, result: 'copy', outputs, copy: copyFormatOf(copy.options) };
}

function unknownRows(reason: string): OutputColumn[] {
  return [spread(unknownLineage(reason))];
}

function selectAnalysis(select: NodeOf<'SelectStmt'>, ctx: LineageContext): Analysis {
  const outputs = analyzeSelect(select, undefined, ctx);
  return select.intoClause ? NOTHING : { ...NOTHING, result: 'rows', outputs };
}

function explainAnalysis(explain: NodeOf<'ExplainStmt'>, ctx: LineageContext): Analysis {
  if (explain.query) analyzeNode(explain.query, ctx); // for its side channels: plans and row counts leak predicates
  return { ...NOTHING, result: 'rows', outputs: [column('QUERY PLAN', CLEAN)] };
}

function createTableAsAnalysis(ctas: NodeOf<'CreateTableAsStmt'>, ctx: LineageContext): Analysis {
  const outputs = ctas.query ? ctx.query(ctas.query, undefined) : [];
  ctx.side.push({ clause: 'CREATE TABLE AS', lineage: unionOf(outputs.map((o) => o.lineage)), sink: true });
  return NOTHING;
}

function declareAnalysis(declare: NodeOf<'DeclareCursorStmt'>, ctx: LineageContext): Analysis {
  const outputs = declare.query ? ctx.query(declare.query, undefined) : unknownRows('DECLARE without a query');
  const binary = ((declare.options ?? 0) & CURSOR_OPT_BINARY) !== 0;
  return { ...NOTHING, outputs, defines: { kind: 'cursor', name: declare.portalname ?? '', binary } };
}

function prepareAnalysis(prepare: NodeOf<'PrepareStmt'>, ctx: LineageContext): Analysis {
  const outputs = prepare.query ? ctx.query(prepare.query, undefined) : unknownRows('PREPARE without a query');
  return { ...NOTHING, outputs, defines: { kind: 'prepared', name: prepare.name ?? '', binary: false } };
}

const CALL_REASON = 'procedure bodies are not analysed';

/** A statement that returns nothing but may record side channels and sinks (DDL, see ddl.ts). */
function recording<T>(record: (node: T, ctx: LineageContext) => void): (node: T, ctx: LineageContext) => Analysis {
  return (node, ctx) => {
    record(node, ctx);
    return NOTHING;
  };
}

/** Statements that return rows, define or use named results, or write data elsewhere; any other returns nothing. */
const ANALYZERS: { [K in NodeKey]?: (node: NodeOf<K>, ctx: LineageContext) => Analysis } = {
  SelectStmt: selectAnalysis,
  CopyStmt: analyzeCopy,
  DeclareCursorStmt: declareAnalysis,
  FetchStmt: (fetch) =>
    fetch.ismove ? NOTHING : { ...NOTHING, result: 'rows', uses: { kind: 'cursor', name: fetch.portalname ?? '' } },
  PrepareStmt: prepareAnalysis,
  ExecuteStmt: (execute) => ({ ...NOTHING, result: 'rows', uses: { kind: 'prepared', name: execute.name ?? '' } }),
  ClosePortalStmt: (close) => ({ ...NOTHING, closes: { kind: 'cursor', name: close.portalname } }),
  DeallocateStmt: (d) => ({ ...NOTHING, closes: { kind: 'prepared', name: d.isall ? undefined : d.name } }),
  DiscardStmt: () => ({ ...NOTHING, closes: { kind: 'all', name: undefined } }),
  ExplainStmt: explainAnalysis,
  CreateTableAsStmt: createTableAsAnalysis,
  CallStmt: () => ({ ...NOTHING, result: 'rows', outputs: unknownRows(CALL_REASON), opaque: CALL_REASON }),
  DoStmt: () => ({ ...NOTHING, opaque: 'DO blocks are not analysed' }),
  VariableShowStmt: () => ({ ...NOTHING, result: 'rows', outputs: [column(undefined, CLEAN)] }),
  RenameStmt: recording(recordRename),
  AlterObjectSchemaStmt: recording(recordSchemaMove),
  AlterTableStmt: recording(recordAlterTable),
  RuleStmt: recording(recordRule),
  CreateTrigStmt: (trigger, ctx) => ({ ...NOTHING, opaque: recordTrigger(trigger, ctx) }),
  CreatePolicyStmt: recording(recordRowPolicy),
  AlterPolicyStmt: recording(recordRowPolicy),
};

function analyzeNode(node: Node, ctx: LineageContext): Analysis {
  const dml = analyzeDml(node, undefined, ctx);
  if (dml) return { ...NOTHING, result: dml.length > 0 ? 'rows' : 'none', outputs: dml };
  const kind = kindOf(node) as NodeKey | undefined;
  const analyzer = kind === undefined ? undefined : ANALYZERS[kind];
  if (!analyzer || kind === undefined) return NOTHING;
  return (analyzer as (n: unknown, c: LineageContext) => Analysis)((node as Record<string, unknown>)[kind], ctx);
}

/** Side channels recorded more than once (recursive CTE rounds, a clause analysed twice) are reported once. */
function dedupe(side: SideRef[]): SideRef[] {
  const seen = new Set<string>();
  return side.filter((s) => {
    const key = `${s.clause}|${s.sink}|${s.target}|${[...s.lineage.sources].sort().join(',')}|${s.lineage.unknown}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function newContext(catalog: MaskingCatalog, options: AnalyzeOptions | undefined): LineageContext {
  const ctx: LineageContext = {
    catalog,
    searchPath: options?.searchPath ?? ['public'],
    side: [],
    quiet: 0,
    views: new Map(),
    missing: options?.missing,
    query(node: Node, scope: Scope | undefined): OutputColumn[] {
      const select = nodeAs(node, 'SelectStmt');
      if (select) return analyzeSelect(select, scope, ctx);
      return analyzeDml(node, scope, ctx) ?? unknownRows(`${kindOf(node)} is not analysed`);
    },
  };
  return ctx;
}

function analyzeRaw(raw: RawStmt, sql: string, ctx: LineageContext): StatementLineage {
  const location = raw.stmt_location ?? 0;
  const length = raw.stmt_len ?? sql.length - location;
  ctx.side = [];
  try {
    const analysis = raw.stmt ? analyzeNode(raw.stmt, ctx) : NOTHING;
    return { ...analysis, side: dedupe(ctx.side), location, length };
  } catch (err) {
    // Fail closed: a statement we cannot analyse (too deeply nested, a parse-tree shape we did not foresee) has
    // rows of unknown lineage.
    const reason = `the statement could not be analysed (${(err as Error).message})`;
    return { ...NOTHING, result: 'rows', outputs: unknownRows(reason), opaque: reason, side: [], location, length };
  }
}

/** Lineage of each statement in `sql`. A string that does not parse gives one opaque statement. */
export function analyzeSql(sql: string, catalog: MaskingCatalog, options?: AnalyzeOptions): StatementLineage[] {
  let stmts: RawStmt[];
  try {
    stmts = parseSql(sql).stmts ?? [];
  } catch (err) {
    const reason = `the statement does not parse (${(err as Error).message})`;
    return [
      {
        ...NOTHING,
        result: 'rows',
        outputs: unknownRows(reason),
        opaque: reason,
        side: [],
        location: 0,
        length: sql.length,
      },
    ];
  }
  const ctx = newContext(catalog, options);
  return stmts.map((raw) => analyzeRaw(raw, sql, ctx));
}
