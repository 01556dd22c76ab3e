// Builds the PostgreSQL console (what the replay shows) from a window of frames: statements the client sent,
// the decision policy took on each, and what came back, with the cells the gateway masked.
// PostgreSQL answers requests in order, so server messages belong to the oldest statement still unanswered
// (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-PIPELINING).

import type { Annotation, BytesFrame, CommandAnnotation, Frame, MaskAnnotation, PgMessage } from '../api/api.types';

export interface MaskOverlay {
  rule: string;
  style: string;
}

export interface ResultColumn {
  name: string;
  tableOid?: number;
  attnum?: number;
}

export interface ResultSet {
  columns: ResultColumn[];
  rows: (string | null)[][];
  /** Masked cells by `${row}:${column}`. */
  masks: Map<string, MaskOverlay>;
  tag: string | null;
  frame: number;
}

export interface PgErrorInfo {
  severity: string;
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

export interface ApprovalInfo {
  requestId: string;
  decision: string | null;
  approver: string | null;
  reason: string | null;
}

export type StatementStatus = 'running' | 'held' | 'denied' | 'error' | 'done';

export interface ConsoleStatement {
  kind: 'statement';
  /** `${frame}:${message}` of the Query / Parse / Bind that started it. */
  id: string;
  frame: number;
  tUs: number;
  sql: string;
  command: CommandAnnotation | null;
  approval: ApprovalInfo | null;
  results: ResultSet[];
  /** CommandComplete tags of commands that returned no rows (INSERT 0 1, SET, …). */
  tags: string[];
  error: PgErrorInfo | null;
  notices: string[];
  status: StatementStatus;
  /** The frame that completed it (ReadyForQuery), when seen. */
  endFrame: number | null;
}

export interface ConsoleNote {
  kind: 'note';
  id: string;
  frame: number;
  tUs: number;
  author: string;
  text: string;
}

export interface ConsoleEvent {
  kind: 'event';
  id: string;
  frame: number;
  tUs: number;
  text: string;
}

export type ConsoleItem = ConsoleStatement | ConsoleNote | ConsoleEvent;

const str = (fields: Record<string, unknown>, key: string): string | undefined =>
  typeof fields[key] === 'string' ? (fields[key] as string) : undefined;

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function columnsOf(message: PgMessage): ResultColumn[] {
  const columns = Array.isArray(message.fields.columns) ? message.fields.columns : [];
  return columns.map((column: unknown, i) => {
    const c = (column ?? {}) as Record<string, unknown>;
    const out: ResultColumn = { name: typeof c.name === 'string' ? c.name : `column${i + 1}` };
    const tableOid = num(c.tableOid);
    const attnum = num(c.attnum);
    if (tableOid !== undefined) out.tableOid = tableOid;
    if (attnum !== undefined) out.attnum = attnum;
    return out;
  });
}

function valuesOf(message: PgMessage): (string | null)[] {
  const values = Array.isArray(message.fields.values) ? message.fields.values : [];
  return values.map((v: unknown) => (v === null || v === undefined ? null : String(v)));
}

function errorOf(message: PgMessage): PgErrorInfo {
  const f = message.fields;
  const error: PgErrorInfo = {
    severity: str(f, 'severity') ?? 'ERROR',
    code: str(f, 'code') ?? '',
    message: str(f, 'message') ?? '',
  };
  const detail = str(f, 'detail');
  const hint = str(f, 'hint');
  if (detail) error.detail = detail;
  if (hint) error.hint = hint;
  return error;
}

/** Annotations refer to frames by number (and may be written before or after them): index them first. */
interface AnnotationIndex {
  commands: Map<number, CommandAnnotation[]>;
  masks: Map<string, MaskAnnotation[]>;
  approvals: Map<string, ApprovalInfo>;
}

function indexAnnotations(frames: readonly Frame[]): AnnotationIndex {
  const index: AnnotationIndex = { commands: new Map(), masks: new Map(), approvals: new Map() };
  for (const frame of frames) {
    if (frame.kind !== 'annotation') continue;
    const a = frame.value;
    if (a.type === 'command') {
      index.commands.set(a.frame, [...(index.commands.get(a.frame) ?? []), a]);
    } else if (a.type === 'mask') {
      const key = `${a.frame}:${a.message}`;
      index.masks.set(key, [...(index.masks.get(key) ?? []), a]);
    } else if (a.type === 'approval.requested') {
      index.approvals.set(a.requestId, { requestId: a.requestId, decision: null, approver: null, reason: null });
    } else if (a.type === 'approval.decided') {
      index.approvals.set(a.requestId, {
        requestId: a.requestId,
        decision: a.decision,
        approver: a.approver,
        reason: a.reason,
      });
    }
  }
  return index;
}

/** approval.decided carries 'approve' / 'approved' for a yes; anything else (deny, expired, …) is a no. */
export const isApproved = (decision: string | null | undefined) => /^approve/i.test(decision ?? '');

function statusAfterDecision(statement: ConsoleStatement): StatementStatus {
  const command = statement.command;
  if (command?.decision === 'deny') return 'denied';
  if (command?.decision === 'review') {
    const decision = statement.approval?.decision ?? null;
    if (decision === null) return 'held';
    if (!isApproved(decision)) return 'denied';
  }
  return 'running';
}

/** Per-session builder state: the statements awaiting answers, in the order they were sent. */
class ConsoleBuilder {
  readonly items: ConsoleItem[] = [];
  readonly #queue: { statement: ConsoleStatement; batch: number; extended: boolean }[] = [];
  readonly #prepared = new Map<string, string>();
  /** Statements a Parse of this batch started, by name, until their first Bind: that Bind runs the same statement. */
  readonly #unbound = new Map<string, ConsoleStatement>();
  #batch = 0;
  #openBatch: number | null = null;
  #result: ResultSet | null = null;

  constructor(readonly index: AnnotationIndex) {}

  client(frame: BytesFrame): void {
    const used = new Set<CommandAnnotation>();
    (frame.messages ?? []).forEach((message, i) => {
      if (message.type === 'Query') this.#startSimple(frame, i, str(message.fields, 'sql') ?? '', used);
      else if (message.type === 'Parse') this.#parse(frame, i, message, used);
      else if (message.type === 'Bind') this.#bind(frame, i, message, used);
      else if (message.type === 'Sync') {
        this.#openBatch = null;
        this.#unbound.clear();
      }
    });
  }

  server(frame: BytesFrame): void {
    (frame.messages ?? []).forEach((message, i) => {
      this.#serverMessage(frame, i, message);
    });
  }

  note(frame: Frame, author: string, text: string): void {
    this.items.push({ kind: 'note', id: `note:${frame.n}`, frame: frame.n, tUs: frame.tUs, author, text });
  }

  event(frame: Frame, text: string): void {
    this.items.push({ kind: 'event', id: `event:${frame.n}`, frame: frame.n, tUs: frame.tUs, text });
  }

  /** The gateway's decision on the statement `sql` that started in `frame`, not already given to another. */
  #commandFor(frame: BytesFrame, sql: string, used: Set<CommandAnnotation>): CommandAnnotation | null {
    const candidates = (this.index.commands.get(frame.n) ?? []).filter((c) => !used.has(c));
    const command = candidates.find((c) => String(c.text ?? '').trim() === sql.trim()) ?? candidates[0] ?? null;
    if (command) used.add(command);
    return command;
  }

  #newStatement(frame: BytesFrame, i: number, sql: string, used: Set<CommandAnnotation>): ConsoleStatement {
    const command = this.#commandFor(frame, sql, used);
    const requestId = command?.requestId;
    const statement: ConsoleStatement = {
      kind: 'statement',
      id: `${frame.n}:${i}`,
      frame: frame.n,
      tUs: frame.tUs,
      sql: sql || command?.text || '',
      command,
      approval: requestId ? (this.index.approvals.get(requestId) ?? null) : null,
      results: [],
      tags: [],
      error: null,
      notices: [],
      status: 'running',
      endFrame: null,
    };
    statement.status = statusAfterDecision(statement);
    this.items.push(statement);
    return statement;
  }

  #startSimple(frame: BytesFrame, i: number, sql: string, used: Set<CommandAnnotation>): void {
    this.#batch += 1;
    this.#queue.push({ statement: this.#newStatement(frame, i, sql, used), batch: this.#batch, extended: false });
  }

  #extendedBatch(): number {
    if (this.#openBatch === null) {
      this.#batch += 1;
      this.#openBatch = this.#batch;
    }
    return this.#openBatch;
  }

  #parse(frame: BytesFrame, i: number, message: PgMessage, used: Set<CommandAnnotation>): void {
    const sql = str(message.fields, 'sql') ?? str(message.fields, 'query') ?? '';
    this.#prepared.set(str(message.fields, 'name') ?? '', sql);
    const batch = this.#extendedBatch();
    const statement = this.#newStatement(frame, i, sql, used);
    this.#unbound.set(str(message.fields, 'name') ?? '', statement);
    this.#queue.push({ statement, batch, extended: true });
  }

  #bind(frame: BytesFrame, i: number, message: PgMessage, used: Set<CommandAnnotation>): void {
    const name = str(message.fields, 'statement') ?? '';
    // The first Bind of a statement parsed in this batch runs that statement (the gateway records each message in a
    // frame of its own); a later Bind, or one of an earlier prepared statement, is a new execution of it.
    const parsed = this.#unbound.get(name);
    if (parsed) {
      this.#unbound.delete(name);
      // A decision made at the Bind (a review held until the statement runs) is the statement's.
      const command = this.#commandFor(frame, parsed.sql, used);
      if (command) {
        parsed.command = command;
        parsed.approval = command.requestId ? (this.index.approvals.get(command.requestId) ?? null) : null;
        parsed.status = statusAfterDecision(parsed);
      }
      return;
    }
    const sql = this.#prepared.get(name) ?? `EXECUTE ${name || '(unnamed)'}`;
    const batch = this.#extendedBatch();
    this.#queue.push({ statement: this.#newStatement(frame, i, sql, used), batch, extended: true });
  }

  #serverMessage(frame: BytesFrame, i: number, message: PgMessage): void {
    const head = this.#queue[0];
    const statement = head?.statement;
    switch (message.type) {
      case 'RowDescription':
        if (statement) this.#openResult(statement, columnsOf(message), frame.n);
        return;
      case 'DataRow':
        if (statement) this.#row(statement, frame, i, valuesOf(message));
        return;
      case 'CommandComplete':
      case 'EmptyQueryResponse':
        if (statement) this.#complete(statement, str(message.fields, 'tag') ?? null);
        if (head?.extended) this.#advance();
        return;
      case 'ErrorResponse':
        if (statement) {
          statement.error = errorOf(message);
          if (statement.status !== 'denied') statement.status = 'error';
        }
        this.#result = null;
        if (head?.extended) this.#advance();
        return;
      case 'NoticeResponse':
        statement?.notices.push(str(message.fields, 'message') ?? '');
        return;
      case 'ReadyForQuery':
        this.#ready(frame.n);
        return;
    }
  }

  #openResult(statement: ConsoleStatement, columns: ResultColumn[], frame: number): ResultSet {
    this.#result = { columns, rows: [], masks: new Map(), tag: null, frame };
    statement.results.push(this.#result);
    return this.#result;
  }

  #row(statement: ConsoleStatement, frame: BytesFrame, i: number, values: (string | null)[]): void {
    // A DataRow without RowDescription (extended protocol without Describe): columns are unnamed.
    const result =
      this.#result ??
      this.#openResult(
        statement,
        values.map((_, c) => ({ name: `column${c + 1}` })),
        frame.n,
      );
    const row = result.rows.length;
    result.rows.push(values);
    for (const mask of this.index.masks.get(`${frame.n}:${i}`) ?? []) {
      result.masks.set(`${row}:${mask.column}`, { rule: mask.rule, style: mask.style });
    }
  }

  #complete(statement: ConsoleStatement, tag: string | null): void {
    if (this.#result) this.#result.tag = tag;
    else if (tag) statement.tags.push(tag);
    this.#result = null;
  }

  // Extended protocol: each Execute's answer ends with CommandComplete or ErrorResponse; the next answer
  // belongs to the next statement of the batch. The batch itself ends at ReadyForQuery.
  #advance(): void {
    const head = this.#queue[0];
    const next = this.#queue[1];
    if (head && next && next.batch === head.batch) {
      this.#finish(head.statement, null);
      this.#queue.shift();
    }
  }

  #ready(frame: number): void {
    const head = this.#queue[0];
    if (!head) return; // startup, or a ReadyForQuery for something outside this window
    while (this.#queue[0]?.batch === head.batch) {
      const entry = this.#queue.shift();
      if (entry) this.#finish(entry.statement, frame);
    }
    this.#result = null;
  }

  #finish(statement: ConsoleStatement, frame: number | null): void {
    statement.endFrame = frame;
    if (statement.status === 'running' || statement.status === 'held') statement.status = 'done';
  }
}

function describeAnnotation(a: Annotation): string | null {
  if (a.type === 'session.start') return `Session started: ${a.principal} → ${a.connection} (${a.upstream})`;
  if (a.type === 'session.end') return `Session ended: ${a.reason}`;
  return null;
}

/**
 * The console for `frames` (consecutive frames of one PostgreSQL session, in order), as of frame `upTo`:
 * annotations and messages after it are not applied, so a replay shows a statement before its result.
 */
export function buildConsole(frames: readonly Frame[], upTo = Number.POSITIVE_INFINITY): ConsoleItem[] {
  const visible = frames.filter((frame) => frame.n <= upTo);
  const builder = new ConsoleBuilder(indexAnnotations(visible));
  for (const frame of visible) {
    if (frame.kind === 'bytes') {
      if (frame.direction === 'client') builder.client(frame);
      else builder.server(frame);
    } else if (frame.kind === 'annotation') {
      if (frame.value.type === 'note') builder.note(frame, frame.value.author, frame.value.text);
      const text = describeAnnotation(frame.value);
      if (text) builder.event(frame, text);
    }
  }
  return builder.items;
}
