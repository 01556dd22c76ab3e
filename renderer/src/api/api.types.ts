// Shapes of the control API (DESIGN.md "Control API — contract", issue #4). The same words as the gateway:
// Principal, Session, Frame, Annotation, Approval.

export type Role = 'admin' | 'approver' | 'auditor' | 'agent';

export interface Principal {
  sub: string;
  name?: string;
  groups: string[];
  roles: Role[];
}

export interface Me {
  principal: Principal;
  csrf: string;
  demo: boolean;
}

export type Protocol = 'postgres' | 'ssh' | 'http';
export type SessionStatus = 'live' | 'ended' | 'interrupted' | 'failed';

export interface Session {
  id: string;
  protocol: Protocol;
  connection: string;
  principal: string;
  groups: string[];
  clientAddr: string;
  upstream: string;
  startedAt: string;
  endedAt: string | null;
  status: SessionStatus;
  endReason: string | null;
  bytesIn: number;
  bytesOut: number;
  frames: number;
  commands: number;
  denials: number;
  approvals: number;
  masked: number;
  finalHash: string | null;
  stepMode?: boolean;
}

export interface SessionPage {
  sessions: Session[];
  nextCursor: string | null;
}

export type Direction = 'client' | 'server';

/** One decoded PostgreSQL wire message inside a bytes frame; offset/length locate it in the frame's bytes. */
export interface PgMessage {
  type: string;
  offset: number;
  length: number;
  fields: Record<string, unknown>;
}

export type Decision = 'allow' | 'deny' | 'review';

export interface SessionStartAnnotation {
  type: 'session.start';
  principal: string;
  connection: string;
  upstream: string;
}

export interface CommandAnnotation {
  type: 'command';
  /** The client frame that carried the command. */
  frame: number;
  text: string;
  statements: { kind: string; tables: string[] }[];
  decision: Decision;
  rule: string | null;
  reason: string;
  requestId?: string;
  /** What the rule asked for besides its decision (notify, mask, …); absent in older recordings. */
  actions?: string[];
}

/** Which cell of which DataRow was masked; the recorded bytes are already masked. */
export interface MaskAnnotation {
  type: 'mask';
  frame: number;
  /** Index of the DataRow message within the frame's messages. */
  message: number;
  row: number;
  column: number;
  rule: string;
  style: string;
}

export interface ApprovalRequestedAnnotation {
  type: 'approval.requested';
  requestId: string;
  text: string;
}

export interface ApprovalDecidedAnnotation {
  type: 'approval.decided';
  requestId: string;
  decision: string;
  approver: string;
  reason: string;
}

export interface NoteAnnotation {
  type: 'note';
  author: string;
  text: string;
}

export interface SessionEndAnnotation {
  type: 'session.end';
  reason: string;
}

export type Annotation =
  | SessionStartAnnotation
  | CommandAnnotation
  | MaskAnnotation
  | ApprovalRequestedAnnotation
  | ApprovalDecidedAnnotation
  | NoteAnnotation
  | SessionEndAnnotation;

export interface BytesFrame {
  n: number;
  /** Microseconds since the session started. */
  tUs: number;
  kind: 'bytes';
  direction: Direction;
  channel: number;
  size: number;
  /** The first 4 KiB of the frame's bytes, hex-encoded. */
  hex: string;
  messages?: PgMessage[];
  /** More messages than the decoder lists: the rest are only in the bytes. */
  messagesTruncated?: true;
  /**
   * All of the frame's bytes, when the source has them at hand (a recording opened in the browser from an
   * evidence packet); the API sends `hex` only.
   */
  data?: Uint8Array;
}

export interface AnnotationFrame {
  n: number;
  tUs: number;
  kind: 'annotation';
  value: Annotation;
}

export interface ResizeFrame {
  n: number;
  tUs: number;
  kind: 'resize';
  cols: number;
  rows: number;
}

export type Frame = BytesFrame | AnnotationFrame | ResizeFrame;

export interface FramesPage {
  total: number;
  from: number;
  next: number | null;
  frames: Frame[];
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';

export interface Vote {
  approver: string;
  decision: string;
  reason: string;
  at: string;
}

export interface Approval {
  id: string;
  sessionId: string;
  principal: string;
  connection: string;
  statement: string;
  /**
   * The values of each run the request covers ($1 first; null is SQL NULL), sent apart from the statement (PostgreSQL
   * Binds): one run, or the rows of a batch the agent sent at once. Absent or empty when the values are in the text.
   */
  runs?: (string | null)[][];
  actions: unknown[];
  rule: string;
  status: ApprovalStatus;
  requestedAt: string;
  expiresAt: string;
  requiredCount: number;
  votes: Vote[];
}

export interface Connection {
  name: string;
  type: string;
}

export interface WorkbenchColumn {
  name: string;
  masked?: boolean;
}

export interface WorkbenchResult {
  columns: WorkbenchColumn[];
  rows: (string | null)[][];
  masks: { row: number; column: number; rule: string }[];
  command: string | null;
  error: { code: string; message: string } | null;
  sessionId: string;
}

export interface AuditEvent {
  seq: number;
  id: string;
  time: string;
  type: string;
  actor: string;
  sessionId?: string;
  connection?: string;
  data: unknown;
  hash: string;
  prevHash: string;
}

export interface AuditPage {
  events: AuditEvent[];
  chain: { ok: boolean; checked: number; problem?: string };
}

export interface KeyInfo {
  fingerprint: string;
  publicKeyPem: string;
}

/** Server → client messages on WS /api/live. */
export type LiveMessage =
  | { type: 'session.started' | 'session.updated' | 'session.ended'; session: Session }
  | { type: 'frames'; sessionId: string; frames: Frame[] }
  | { type: 'approval.requested' | 'approval.decided'; approval: Approval };

/** Client → server messages on WS /api/live. */
export type LiveCommand = { type: 'watch' | 'unwatch'; sessionId: string };
