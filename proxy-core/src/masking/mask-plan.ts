/**
 * The masking plan of a statement and of each result it returns.
 *
 * A result column is masked when
 * 1. its RowDescription origin (table OID + attribute number) is a masked column — whatever it is aliased to; or
 * 2. its lineage (lineage/) includes a masked column — computed through any function, cast, operator, aggregate,
 *    constructor, subquery, CTE, set operation, view or whole-row reference, the value is masked whole; or
 * 3. its lineage is unknown and `lineage: mask` (rule `lineage:unknown`). With `lineage: deny` (the default) the
 *    statement is denied instead — unless the origin is a column of a relation the catalog says is not a view,
 *    which is exact.
 *
 * Side channels — a masked column in WHERE, JOIN … ON, GROUP BY, HAVING, WINDOW, ORDER BY, DISTINCT ON, LIMIT,
 * a DML condition — leak values without returning them (`WHERE ssn LIKE '123%'` answers one digit at a time).
 * They are always reported (`sideChannel`, `sideChannels`); with `predicates: deny` (the default) the statement is
 * denied before it runs, and `predicates: allow` only annotates. Sinks — masked values written where masking
 * does not follow (INSERT … SELECT into an unmasked column, CREATE TABLE AS, COPY TO a file, pg_notify,
 * set_config) — are always denied.
 */
import type { CompiledMasking } from './compile-masking';
import { type Lineage, sourceName, unionOf, unknownLineage } from './lineage/lineage';
import { type AnalyzeOptions, analyzeSql, type StatementLineage } from './lineage/statement';
import type { MaskStyle } from './mask-style';
import type {
  ColumnMask,
  MaskingCatalog,
  MaskPlan,
  RowDescriptionField,
  SideChannel,
  StatementCheck,
} from './masking.types';

const CLEAR: StatementCheck = { deny: undefined, sideChannel: false, sideChannels: [], touchesMasked: false };

function maskedSources(l: Lineage, masking: CompiledMasking): string[] {
  const out: string[] = [];
  for (const s of l.sources) if (masking.columns.isMaskedKey(s)) out.push(sourceName(s));
  return out;
}

function sideChannelsOf(stmt: StatementLineage, masking: CompiledMasking): SideChannel[] {
  const out: SideChannel[] = [];
  for (const ref of stmt.side) {
    const masked = maskedSources(ref.lineage, masking);
    const unknown = ref.lineage.unknown;
    if (ref.sink) {
      if (ref.target !== undefined && masking.columns.isMaskedKey(ref.target)) continue;
      const into = ref.target !== undefined ? ` into ${sourceName(ref.target)}` : '';
      if (masked.length > 0) {
        out.push({
          clause: ref.clause,
          column: masked[0],
          sink: true,
          reason: `${ref.clause} ${ref.verb ?? 'writes'} masked column ${masked[0]}${into}`,
        });
      } else if (unknown !== undefined && masking.lineage === 'deny') {
        out.push({
          clause: ref.clause,
          column: undefined,
          sink: true,
          reason: `${ref.clause} ${ref.verb ?? 'writes'} data of unknown lineage${into}: ${unknown}`,
        });
      }
      continue;
    }
    for (const column of masked) {
      out.push({ clause: ref.clause, column, sink: false, reason: `${ref.clause} references masked column ${column}` });
    }
    if (masked.length === 0 && unknown !== undefined) {
      out.push({
        clause: ref.clause,
        column: undefined,
        sink: false,
        reason: `${ref.clause} uses data of unknown lineage: ${unknown}`,
      });
    }
  }
  return out;
}

function outputDeny(stmt: StatementLineage, masking: CompiledMasking): string | undefined {
  if (masking.lineage !== 'deny') return undefined;
  if (stmt.opaque !== undefined) return `masking cannot follow this statement: ${stmt.opaque}`;
  for (const [i, o] of stmt.outputs.entries()) {
    if (o.lineage.unknown !== undefined && maskedSources(o.lineage, masking).length === 0) {
      return `the lineage of result column ${i + 1}${o.name ? ` (${o.name})` : ''} is unknown: ${o.lineage.unknown}`;
    }
  }
  return undefined;
}

/**
 * The verdict on a statement before it runs (call it at Query / Parse time, after NamedResults.apply): deny
 * reasons from side channels, sinks and unknown lineage, and whether its errors and notices need strict masking.
 */
export function checkStatement(stmt: StatementLineage, masking: CompiledMasking): StatementCheck {
  if (masking.columns.empty) return CLEAR;
  const sideChannels = sideChannelsOf(stmt, masking);
  const predicateDeny = masking.predicates === 'deny';
  const denying = sideChannels.find(
    (s) => s.sink || (predicateDeny && (s.column !== undefined || masking.lineage === 'deny')),
  );
  const touchesMasked =
    stmt.opaque !== undefined ||
    sideChannels.some((s) => s.column !== undefined) ||
    stmt.outputs.some((o) => maskedSources(o.lineage, masking).length > 0);
  return {
    deny: denying ? `${denying.reason} (masking policy)` : outputDeny(stmt, masking),
    sideChannel: sideChannels.length > 0,
    sideChannels,
    touchesMasked,
  };
}

/** Lineage of each of `n` result columns; spreads absorb whatever the fixed columns do not account for. */
export function bindOutputs(outputs: StatementLineage['outputs'], n: number): Lineage[] | undefined {
  const first = outputs.findIndex((o) => o.spread);
  if (first === -1) return outputs.length === n ? outputs.map((o) => o.lineage) : undefined;
  if (outputs.filter((o) => !o.spread).length > n) return undefined;
  let last = outputs.length - 1;
  while (!outputs[last]?.spread) last--;
  const head = outputs.slice(0, first).map((o) => o.lineage);
  const tail = outputs.slice(last + 1).map((o) => o.lineage);
  const middle = unionOf(outputs.slice(first, last + 1).map((o) => o.lineage));
  return [...head, ...Array.from({ length: n - head.length - tail.length }, () => middle), ...tail];
}

type Decision = ColumnMask | { deny: string };

/**
 * The style a masked column is written in: the policy's for a stored column as it is, `redact` for a value computed
 * from one (`lineage:` rules). What the agent computes it also arranges: a partial mask would show the tail it put
 * there (`'xxxxxxxx' || substr(ssn, 1, 1)` shows the first digit), keep a length it chose (`repeat('x', ascii(ssn))`),
 * and a hash would give equal values to compare with one of its own making.
 */
export function columnStyle(mask: { rule: string }, style: MaskStyle): MaskStyle {
  return mask.rule.startsWith('lineage:') ? 'redact' : style;
}

function decide(
  field: RowDescriptionField,
  index: number,
  lineage: Lineage,
  catalog: MaskingCatalog,
  masking: CompiledMasking,
): Decision {
  const origin = field.tableOid !== 0 ? catalog.columnName(field.tableOid, field.attnum) : undefined;
  if (origin && masking.columns.isMasked(origin)) {
    return { mask: true, rule: `column:${origin.schema}.${origin.table}.${origin.column}` };
  }
  const masked = maskedSources(lineage, masking)[0];
  if (masked !== undefined) return { mask: true, rule: `lineage:${masked}` };
  if (lineage.unknown === undefined) return { mask: false };
  const exact =
    origin !== undefined &&
    catalog.viewDefinition !== undefined &&
    catalog.viewDefinition(origin.schema, origin.table) === undefined;
  if (exact) return { mask: false };
  if (masking.lineage === 'mask') return { mask: true, rule: 'lineage:unknown' };
  return {
    deny: `the lineage of result column ${index + 1} (${field.name}) is unknown: ${lineage.unknown} (masking policy)`,
  };
}

/**
 * The plan for one result: RowDescription (or CopyOutResponse, see copyFields) of the statement `stmt` — after
 * NamedResults.apply for FETCH / EXECUTE; undefined when the session cannot tell which statement it belongs to.
 */
export function createMaskPlan(
  stmt: StatementLineage | undefined,
  fields: readonly RowDescriptionField[],
  catalog: MaskingCatalog,
  masking: CompiledMasking,
): MaskPlan {
  const copy = stmt?.result === 'copy' ? stmt.copy : undefined;
  // Binary COPY rows carry no types: detectors cannot read them and fields cannot be re-rendered.
  const binaryCopy =
    copy?.format === 'binary' && (!masking.columns.empty || masking.detectors.length > 0)
      ? 'binary COPY cannot be masked; use text or CSV (masking policy)'
      : undefined;
  if (masking.columns.empty) {
    return { ...CLEAR, deny: binaryCopy, columns: fields.map(() => ({ mask: false })), fields, copy };
  }
  const check = stmt ? checkStatement(stmt, masking) : CLEAR;
  const bound = stmt ? bindOutputs(stmt.outputs, fields.length) : undefined;
  const shape = unknownLineage(
    stmt
      ? `the result has ${fields.length} columns, the statement ${stmt.outputs.length}`
      : 'no statement for this result',
  );
  let deny = check.deny;
  const columns = fields.map((field, i): ColumnMask => {
    const d = decide(field, i, bound?.[i] ?? shape, catalog, masking);
    if ('deny' in d) {
      deny ??= d.deny;
      return { mask: true, rule: 'lineage:unknown' };
    }
    return d;
  });
  deny ??= binaryCopy;
  return { ...check, touchesMasked: check.touchesMasked || columns.some((c) => c.mask), deny, columns, fields, copy };
}

/** RowDescription-like fields for a CopyOutResponse (no origins: COPY lineage comes from the statement). */
export function copyFields(formats: readonly number[]): RowDescriptionField[] {
  return formats.map((format, i) => ({ name: `column ${i + 1}`, tableOid: 0, attnum: 0, typeOid: 0, format }));
}

/** Analyse `sql` and plan the result of its `statementIndex`-th statement (tests, `vigil policy test`). */
export function planMasking(input: {
  sql: string;
  fields: readonly RowDescriptionField[];
  catalog: MaskingCatalog;
  masking: CompiledMasking;
  statementIndex?: number;
  options?: AnalyzeOptions;
}): MaskPlan {
  const stmt = analyzeSql(input.sql, input.catalog, input.options)[input.statementIndex ?? 0];
  return createMaskPlan(stmt, input.fields, input.catalog, input.masking);
}
