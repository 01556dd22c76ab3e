import {
  analyzeSql,
  type CompiledMasking,
  checkStatement,
  copyFields,
  createCopyMasker,
  createMaskPlan,
  createNamedResults,
  createRowMasker,
  type MaskAnnotation,
  type MaskingCatalog,
  type MaskPlan,
  type RowDescriptionField,
  type RowMasker,
  type StatementLineage,
} from '../../masking';
import type { RecordedSession } from '../../pipeline/recorded-session.types';
import { numericShape } from '../../policy';
import {
  BackendCode,
  BufferReader,
  ByteSlab,
  FrontendCode,
  indexDataRow,
  newDataRowIndex,
  type PgFrame,
  parseBind,
  parseClose,
  parseCopyResponse,
  parseDescribe,
  parseExecute,
  parseParse,
  parseQuery,
  parseRowDescription,
  rewriteDataRow,
  serializeCopyData,
} from './codec';
import { maskErrorOrNotice, maskNotification } from './free-text-fields';
import type { ResultMasker } from './result-masker.types';

/**
 * What the upstream owes the client, in order, so each RowDescription / DataRow / CopyData is masked
 * with the plan of the statement that produced it (simple and extended protocol, pipelined).
 * @see https://www.postgresql.org/docs/current/protocol-flow.html
 */
type Expected =
  | { kind: 'query'; stmts: StatementLineage[]; index: number }
  /** `apply` takes effect once the server completes the message: a Parse of a name that exists, or a Bind of a portal
   * that exists, fails there and leaves the old one, whose results must be masked by its own plan. */
  | { kind: 'parse' | 'bind' | 'close'; apply: () => void }
  | { kind: 'sync' | 'other' }
  | { kind: 'describe'; statement?: string; portal?: string }
  | { kind: 'execute'; portal: string };

interface PreparedPlan {
  lineage: StatementLineage | undefined;
  /** Its RowDescription (from Describe), parsed and as a cache key. */
  fields?: RowDescriptionField[];
  shape?: string;
}

interface PortalPlan {
  statement: string;
  formats: number[];
  rows?: ResultRows;
}

/** How the rows of one result are masked: the plan and the masker built for it. */
interface ResultRows {
  plan: MaskPlan;
  masker: RowMasker;
  /** Result formats per column, or one for all, or none for all text (Bind's rule). */
  formats: number[];
}

/** Results of statements the session cannot tell, cached under one key. */
const UNKNOWN_STATEMENT = {};
/** Result shapes cached per statement; a statement with more (ever-changing column lists) builds its own. */
const MAX_SHAPES_PER_STATEMENT = 16;

/** Per-cell annotations kept per result; beyond this a result's masks are summarized. */
const MAX_CELL_ANNOTATIONS = 500;

export interface PgResultMaskerOptions {
  masking: CompiledMasking;
  catalog: MaskingCatalog;
  /** The upstream's catalog read again, when a statement names what `catalog` lacks (undefined: it cannot be). */
  freshCatalog?: () => Promise<MaskingCatalog | undefined>;
  session: RecordedSession;
  key: Uint8Array;
  searchPath?: readonly string[];
}

/** What a statement names and the catalog lacks is looked up again at most this often in a session. */
const LOOK_AGAIN_MS = 1_000;
/** Missing names whose last look-up a session remembers. */
const MAX_LOOKED_UP = 1_000;

/**
 * Masking for one PostgreSQL session: before a statement runs, refuses side channels and unknown
 * lineage (`inspect`); on the way back, masks by column origin and lineage, and with the content
 * detectors everywhere else, before a byte reaches the client. Raw values are never recorded: the
 * session records what this returns.
 */
export class PgResultMasker implements ResultMasker {
  private readonly named = createNamedResults();
  private readonly analyzed = new Map<string, StatementLineage[]>();
  /** What each analysis looked for and the catalog lacked (see LineageContext.missing). */
  private readonly missing = new WeakMap<StatementLineage[], ReadonlySet<string>>();
  /** When each missing relation or column was last looked up in a catalog read again. */
  private readonly lookedUp = new Map<string, number>();
  private catalog: MaskingCatalog;
  /** The last message analysed, against which catalog. */
  private lastFrame: { frame: PgFrame; catalog: MaskingCatalog; analysis: StatementLineage[] | undefined } | undefined;
  /** The last statement too long for the analysis cache, and its analysis. */
  private longest: { sql: string; analysis: StatementLineage[] } | undefined;
  private readonly statements = new Map<string, PreparedPlan>();
  private readonly portals = new Map<string, PortalPlan>();
  private readonly queue: Expected[] = [];
  private rows: ResultRows | undefined;
  /**
   * Row maskers by statement (the lineage object, which the analysis cache keeps the same for every statement of
   * one shape) and result shape. A catalog read again (freshCatalog) only adds to what a plan was made from: the
   * analyses are made again, so their lineage objects and plans are new.
   */
  private readonly resultRows = new WeakMap<object, Map<string, ResultRows>>();
  private copy: ReturnType<typeof createCopyMasker> | undefined;
  private rowIndex = 0;
  private cellNotes = 0;
  private strict = false;
  private pending: Array<Record<string, unknown>> = [];
  private maskedInResult = 0;
  /** Masks not yet added to the session's counter (it is told once per write, not per row). */
  private unreported = 0;
  /** Re-encoded rows of one result are carved from shared slabs: adjacent, so they go out as one write. */
  private readonly slab = new ByteSlab();
  /** Where the current DataRow's values are, reused row after row. */
  private readonly cells = newDataRowIndex();

  constructor(private readonly opts: PgResultMaskerOptions) {
    this.catalog = opts.catalog;
  }

  /**
   * Whether `frame` (a Query or Parse) names a relation or column the catalog lacks that was not looked up in the
   * last LOOK_AGAIN_MS: then the session waits for `readCatalogAgain()` before it judges the statement, so a table or
   * column the agent just made (or a migration's) is masked and checked like the others instead of refused as unknown.
   */
  wantsFresherCatalog(frame: PgFrame): boolean {
    if (this.opts.freshCatalog === undefined) return false;
    const analysis = this.analyzeFrame(frame);
    if (analysis === undefined) return false;
    const missing = this.missing.get(analysis);
    if (missing === undefined) return false;
    const now = Date.now();
    for (const name of missing) if (now - (this.lookedUp.get(name) ?? 0) >= LOOK_AGAIN_MS) return true;
    return false;
  }

  /** Reads the catalog again (see wantsFresherCatalog); keeps the one it has if that fails. Never rejects. */
  async readCatalogAgain(frame: PgFrame): Promise<void> {
    const analysis = this.analyzeFrame(frame);
    const missing = analysis === undefined ? undefined : this.missing.get(analysis);
    const fresh = await this.opts.freshCatalog?.().catch(() => undefined);
    const now = Date.now();
    for (const name of missing ?? []) this.lookedUp.set(name, now);
    for (const name of this.lookedUp.keys()) {
      if (this.lookedUp.size <= MAX_LOOKED_UP) break;
      this.lookedUp.delete(name);
    }
    if (fresh === undefined || fresh === this.catalog) return;
    this.catalog = fresh;
    this.analyzed.clear();
    this.longest = undefined;
  }

  /**
   * Before a Query, Parse or FunctionCall is judged: a reason to refuse it (side channel, unknown lineage), or
   * undefined. A fast-path FunctionCall names its function by OID with opaque arguments, and its result comes back
   * outside any row: nothing tells where the value came from (`query_to_xml` runs any query), so it is refused.
   */
  inspect(frame: PgFrame): string | undefined {
    if (frame.code === FrontendCode.FunctionCall) {
      return 'masking: a fast-path function call cannot be masked (its result has no lineage to follow); call the function in SQL (masking policy)';
    }
    for (const stmt of this.analyzeFrame(frame) ?? []) {
      const check = checkStatement(this.named.apply(stmt), this.opts.masking);
      if (check.deny) return `masking: ${check.deny}`;
    }
    return undefined;
  }

  /** A client message reached the upstream: note what reply it owes. */
  forwarded(frame: PgFrame): void {
    const r = () => new BufferReader(frame.payload);
    switch (frame.code) {
      case FrontendCode.Query: {
        const stmts = this.forwardedAnalysis(frame).map((s) => this.named.apply(s));
        this.queue.push({ kind: 'query', stmts, index: 0 });
        return;
      }
      case FrontendCode.Parse: {
        const parse = parseParse(r());
        const stmt = this.forwardedAnalysis(frame)[0];
        const plan: PreparedPlan = { lineage: stmt && this.named.apply(stmt) };
        this.queue.push({ kind: 'parse', apply: () => this.statements.set(parse.name, plan) });
        return;
      }
      case FrontendCode.Bind: {
        const bind = parseBind(r());
        const portal: PortalPlan = { statement: bind.statement, formats: [...bind.resultFormats] };
        this.queue.push({ kind: 'bind', apply: () => this.portals.set(bind.portal, portal) });
        return;
      }
      case FrontendCode.Describe: {
        const d = parseDescribe(r());
        this.queue.push(
          d.target === 'S' ? { kind: 'describe', statement: d.name } : { kind: 'describe', portal: d.name },
        );
        return;
      }
      case FrontendCode.Execute:
        this.queue.push({ kind: 'execute', portal: parseExecute(r()).portal });
        return;
      case FrontendCode.Close: {
        const close = parseClose(r());
        const from = close.target === 'S' ? this.statements : this.portals;
        this.queue.push({ kind: 'close', apply: () => from.delete(close.name) });
        return;
      }
      case FrontendCode.Sync:
        this.queue.push({ kind: 'sync' });
        return;
      case FrontendCode.FunctionCall:
        this.queue.push({ kind: 'other' });
        return;
      default:
        return;
    }
  }

  filter(frame: PgFrame, messageIndex: number): Uint8Array {
    switch (frame.code) {
      case BackendCode.DataRow:
        return this.maskRow(frame, messageIndex);
      case BackendCode.RowDescription:
        this.onRowDescription(frame.payload);
        return frame.bytes;
      case BackendCode.CopyOutResponse:
        this.onCopyOut(frame.payload);
        return frame.bytes;
      case BackendCode.CopyData:
        return this.copy ? this.maskCopy(frame, messageIndex) : frame.bytes;
      case BackendCode.ErrorResponse:
      case BackendCode.NoticeResponse:
        if (frame.code === BackendCode.ErrorResponse) this.onError();
        return this.maskFree(frame, messageIndex, maskErrorOrNotice(frame.bytes, this.freeTextOptions()));
      case BackendCode.NotificationResponse:
        return this.maskFree(frame, messageIndex, maskNotification(frame.bytes, this.freeTextOptions()));
      case BackendCode.CommandComplete:
      case BackendCode.EmptyQueryResponse:
      case BackendCode.PortalSuspended:
      case BackendCode.CopyDone:
        this.endResult();
        return frame.bytes;
      case BackendCode.ParseComplete:
      case BackendCode.BindComplete:
      case BackendCode.CloseComplete: {
        const head = this.queue[0];
        if (head?.kind === 'parse' || head?.kind === 'bind' || head?.kind === 'close') {
          this.queue.shift();
          head.apply();
        }
        return frame.bytes;
      }
      case BackendCode.NoData:
        this.shiftIf(['describe']);
        return frame.bytes;
      case BackendCode.ReadyForQuery:
        this.onReady();
        return frame.bytes;
      default:
        return frame.bytes;
    }
  }

  /** Mask annotations of the messages just sent, now that the frame that carried them is recorded. */
  flushAnnotations(frame: number): void {
    if (this.unreported > 0) {
      this.opts.session.countMasked(this.unreported);
      this.unreported = 0;
    }
    if (this.pending.length === 0) return;
    for (const a of this.pending) this.opts.session.annotate({ type: 'mask', frame, ...a });
    this.pending = [];
  }

  // ---- results ------------------------------------------------------------------------------------

  private onRowDescription(payload: Uint8Array): void {
    const head = this.queue[0];
    const shape = Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('latin1');
    if (head?.kind === 'describe') {
      this.queue.shift();
      if (head.statement !== undefined) {
        const prepared = this.statements.get(head.statement);
        if (prepared) {
          prepared.fields = parseRowDescription(payload);
          prepared.shape = shape;
        }
      } else if (head.portal !== undefined) {
        const portal = this.portals.get(head.portal);
        if (portal) {
          const lineage = this.statements.get(portal.statement)?.lineage;
          portal.rows = this.resultRowsFor(lineage, shape, portal.formats, () =>
            withFormats(parseRowDescription(payload), portal.formats),
          );
        }
      }
      return;
    }
    const stmt = head?.kind === 'query' ? head.stmts[head.index] : undefined;
    this.startRows(this.resultRowsFor(stmt, shape, undefined, () => parseRowDescription(payload)));
  }

  /**
   * The rows of a result of `stmt` whose RowDescription is `shape`, with Bind's `formats` (undefined: the formats
   * in the description): built once per statement and shape, as pgbench-like traffic repeats both.
   */
  private resultRowsFor(
    stmt: StatementLineage | undefined,
    shape: string,
    formats: number[] | undefined,
    fields: () => RowDescriptionField[],
  ): ResultRows {
    const owner = stmt ?? UNKNOWN_STATEMENT;
    const key = formats === undefined ? shape : `${formats.join(',')};${shape}`;
    let byShape = this.resultRows.get(owner);
    const known = byShape?.get(key);
    if (known) return known;
    const described = fields();
    const plan = this.plan(stmt, described);
    const m = this.opts.masking;
    const rows: ResultRows = {
      plan,
      masker: createRowMasker({ plan, detectors: m.detectors, style: m.style, key: this.opts.key, binary: m.binary }),
      formats: formats ?? described.map((f) => f.format),
    };
    if (!byShape) {
      byShape = new Map();
      this.resultRows.set(owner, byShape);
    }
    if (byShape.size < MAX_SHAPES_PER_STATEMENT) byShape.set(key, rows);
    return rows;
  }

  private startRows(rows: ResultRows): void {
    this.rows = rows;
    this.strict = rows.plan.touchesMasked;
    this.rowIndex = 0;
    this.cellNotes = 0;
    this.maskedInResult = 0;
  }

  /** DataRows of an Execute come without a RowDescription: the plan is the portal's (or its statement's). */
  private rowsForExecute(): void {
    const head = this.queue[0];
    if (head?.kind !== 'execute' || this.rows) return;
    const portal = this.portals.get(head.portal);
    const prepared = portal && this.statements.get(portal.statement);
    if (portal?.rows) {
      this.startRows(portal.rows);
      return;
    }
    const fields = prepared?.fields;
    const formats = portal?.formats ?? [];
    this.startRows(
      this.resultRowsFor(prepared?.lineage, prepared?.shape ?? '', formats, () =>
        fields ? withFormats(fields, formats) : [],
      ),
    );
  }

  private maskRow(frame: PgFrame, messageIndex: number): Uint8Array {
    this.rowsForExecute();
    const rows = this.rows ?? this.unknownRows();
    const cells = indexDataRow(frame.payload, this.cells);
    // The frame is a view of a buffer read from the upstream that nothing else holds: masked in place.
    const result = rows.masker.maskCells(frame.payload, cells, rows.formats);
    const row = this.rowIndex++;
    if (!result.changed) return frame.bytes;
    this.note(result.masks, messageIndex, row, result.maskCount);
    return result.resized ? rewriteDataRow(frame.payload, cells, result.replaced, this.slab) : frame.bytes;
  }

  private onCopyOut(payload: Uint8Array): void {
    const head = this.queue[0];
    const stmt = head?.kind === 'query' ? head.stmts[head.index] : undefined;
    const response = parseCopyResponse(payload);
    const plan = this.plan(stmt, copyFields([...response.columnFormats]));
    const m = this.opts.masking;
    this.copy = createCopyMasker({ plan, detectors: m.detectors, style: m.style, key: this.opts.key });
    this.rowIndex = 0;
    this.cellNotes = 0;
  }

  private maskCopy(frame: PgFrame, messageIndex: number): Uint8Array {
    const result = (this.copy as ReturnType<typeof createCopyMasker>).maskCopyData(frame.payload);
    const row = this.rowIndex++;
    if (!result.changed) return frame.bytes;
    this.note(result.masks, messageIndex, row);
    return serializeCopyData(result.data);
  }

  private maskFree(
    frame: PgFrame,
    messageIndex: number,
    result: { bytes: Uint8Array; masks: MaskAnnotation[] },
  ): Uint8Array {
    if (result.masks.length === 0) return frame.bytes;
    this.note(result.masks, messageIndex, 0);
    return result.bytes;
  }

  /** `count`: how many of `masks` are this message's (all by default). */
  private note(masks: MaskAnnotation[], message: number, row: number, count = masks.length): void {
    this.unreported += count;
    this.maskedInResult += count;
    if (this.cellNotes >= MAX_CELL_ANNOTATIONS) {
      this.cellNotes += count;
      return;
    }
    for (let k = 0; k < count; k++) {
      const m = masks[k] as MaskAnnotation;
      if (this.cellNotes++ >= MAX_CELL_ANNOTATIONS) return;
      this.pending.push({
        message,
        row,
        column: m.column,
        rule: m.rule,
        style: m.style,
        ...(m.start === undefined ? {} : { start: m.start, end: m.end }),
      });
    }
  }

  private endResult(): void {
    if (this.cellNotes > MAX_CELL_ANNOTATIONS)
      this.pending.push({
        summary: true,
        rows: this.rowIndex,
        masked: this.maskedInResult,
        annotated: MAX_CELL_ANNOTATIONS,
      });
    this.rows = undefined;
    this.copy = undefined;
    this.strict = false;
    const head = this.queue[0];
    if (head?.kind === 'query') head.index++;
    else if (head?.kind === 'execute') this.queue.shift();
  }

  private onError(): void {
    this.rows = undefined;
    this.copy = undefined;
    // After an error the server skips to Sync (extended) or ends the Query: drop what it no longer owes.
    while (this.queue.length > 0 && this.queue[0]?.kind !== 'sync' && this.queue[0]?.kind !== 'query')
      this.queue.shift();
  }

  private onReady(): void {
    const head = this.queue.shift();
    if (head && head.kind !== 'query' && head.kind !== 'sync') this.queue.length = 0; // out of step: start afresh
    this.portals.delete('');
  }

  private shiftIf(kinds: Expected['kind'][]): void {
    if (this.queue[0] && kinds.includes(this.queue[0].kind)) this.queue.shift();
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private plan(stmt: StatementLineage | undefined, fields: readonly RowDescriptionField[]): MaskPlan {
    return createMaskPlan(stmt, fields, this.catalog, this.opts.masking);
  }

  /** Rows with no known result (should not happen): unknown lineage, so the strict plan masks them whole. */
  private unknownRows(): ResultRows {
    return this.resultRowsFor(undefined, '', [], () => []);
  }

  private freeTextOptions() {
    const m = this.opts.masking;
    return { detectors: m.detectors, style: m.style, key: this.opts.key, strict: this.strict };
  }

  /**
   * The analysis of a Query's or Parse's SQL (undefined for other messages). The session asks about one message
   * up to three times in a row (wantsFresherCatalog, inspect, forwarded): its text is read and looked up once.
   */
  private analyzeFrame(frame: PgFrame): StatementLineage[] | undefined {
    if (this.lastFrame?.frame === frame && this.lastFrame.catalog === this.catalog) return this.lastFrame.analysis;
    const sql = sqlOf(frame);
    const analysis = sql === undefined ? undefined : this.analyze(sql);
    this.lastFrame = { frame, catalog: this.catalog, analysis };
    return analysis;
  }

  /** The analysis of a Query or Parse that went upstream: the last time the session asks about it. */
  private forwardedAnalysis(frame: PgFrame): StatementLineage[] {
    const analysis = this.analyzeFrame(frame) ?? [];
    this.lastFrame = undefined; // not to keep the client's read buffer alive in an idle session
    return analysis;
  }

  private analyze(sql: string): StatementLineage[] {
    // A statement too long to cache is asked about twice in a row (wantsFresherCatalog, then inspect): analysed once.
    if (this.longest?.sql === sql) return this.longest.analysis;
    const key = analysisKey(sql);
    let hit = this.analyzed.get(key);
    if (!hit) {
      const missing = new Set<string>();
      hit = analyzeSql(sql, this.catalog, {
        missing,
        ...(this.opts.searchPath ? { searchPath: this.opts.searchPath } : {}),
      });
      if (missing.size > 0) this.missing.set(hit, missing);
      if (sql.length <= 16_384) {
        this.analyzed.set(key, hit);
        if (this.analyzed.size > 500) this.analyzed.delete(this.analyzed.keys().next().value as string);
      } else this.longest = { sql, analysis: hit };
    }
    return hit;
  }
}

/**
 * Where a number can change lineage: a position (`ORDER BY 2`, `GROUP BY 1`, `DISTINCT ON`) names an output column,
 * and COPY options (`HEADER 1`) change the format. Text with any of these words is analysed as it is.
 */
const NUMBERS_MATTER = /order|group|distinct|copy/i;

/** The analysis cache key: statements that differ only in numeric literals share one analysis. */
function analysisKey(sql: string): string {
  return NUMBERS_MATTER.test(sql) ? sql : (numericShape(sql) ?? sql);
}

function sqlOf(frame: PgFrame): string | undefined {
  if (frame.code === FrontendCode.Query) return parseQuery(new BufferReader(frame.payload)).query;
  if (frame.code === FrontendCode.Parse) return parseParse(new BufferReader(frame.payload)).query;
  return undefined;
}

/** Bind's result-format rule: none = all text, one = for all columns, else one per column. */
function withFormats(fields: readonly RowDescriptionField[], formats: readonly number[]): RowDescriptionField[] {
  return fields.map((f, i) => ({ ...f, format: (formats.length === 1 ? formats[0] : formats[i]) ?? 0 }));
}
