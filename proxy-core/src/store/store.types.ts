import type { AuditEvent, AuditEventInput, AuditFilter, AuditHead } from '../audit/audit.types';
import type { ApprovalStatus, ApprovalVote } from './approval-state';

export type { ApprovalStatus, ApprovalVote } from './approval-state';

export type Protocol = 'postgres' | 'ssh' | 'http';
export type SessionStatus = 'live' | 'ended' | 'interrupted' | 'failed';

export interface Session {
  /** Time-sortable (newSortableId), so ids sort with startedAt. */
  id: string;
  protocol: Protocol;
  /** The Vigil connection name from config, e.g. "orders-db". */
  connection: string;
  /** OIDC `sub` of the agent or person. */
  principal: string;
  groups: string[];
  clientAddr: string;
  /** e.g. "127.0.0.1:5432/orders". */
  upstream: string;
  /** ISO 8601, normalized to UTC with milliseconds (Date#toISOString). */
  startedAt: string;
  endedAt: string | null;
  status: SessionStatus;
  endReason: string | null;
  /** Bytes client → gateway. */
  bytesIn: number;
  /** Bytes gateway → client (after masking). */
  bytesOut: number;
  frames: number;
  commands: number;
  denials: number;
  approvals: number;
  masked: number;
  /** Path of the .vrec file. */
  recording: string;
  finalHash: string | null;
  chunks: number;
}

export interface NewSession {
  /** Default: newSortableId(startedAt). Pass one when the recording path needs it first. */
  id?: string;
  protocol: Protocol;
  connection: string;
  principal: string;
  groups: string[];
  clientAddr: string;
  upstream: string;
  /** Default: the store's clock. */
  startedAt?: string;
  recording: string;
}

/** Running totals (not deltas), so a retried write is harmless. Omitted optional counters keep their value. */
export interface SessionProgress {
  bytesIn: number;
  bytesOut: number;
  frames: number;
  chunks: number;
  commands?: number;
  denials?: number;
  approvals?: number;
  masked?: number;
}

export interface SessionEnd extends Partial<SessionProgress> {
  endedAt: string;
  status: Exclude<SessionStatus, 'live'>;
  endReason: string | null;
  finalHash: string | null;
}

export interface SessionFilter {
  principal?: string;
  connection?: string;
  protocol?: Protocol;
  status?: SessionStatus;
  /**
   * Text the session's commands must contain: every whitespace-separated word, as a case-insensitive
   * substring, in one command. Any input is safe; there is no query syntax.
   */
  q?: string;
  /** startedAt >= since (ISO). */
  since?: string;
  /** startedAt < until (ISO). */
  until?: string;
}

export interface SessionListQuery extends SessionFilter {
  /** Default 50, at most 500. */
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
}

export interface SessionPage {
  /** Newest first: startedAt desc, then id desc. */
  sessions: Session[];
  /** Present when more sessions match. */
  nextCursor?: string;
}

/** Where one chunk of a recording lives in its .vrec file. */
export interface ChunkEntry {
  seq: number;
  firstFrame: number;
  frameCount: number;
  /** Microseconds since session start, of the chunk's first and last frames. */
  firstTUs: number;
  lastTUs: number;
  /** Byte offset and compressed length in the .vrec. */
  offset: number;
  length: number;
  rawLength: number;
  hash: string;
}

export type CommandDecision = 'allow' | 'deny' | 'review' | 'approved' | 'denied' | 'expired';

export interface CommandInput {
  frame: number;
  tUs: number;
  text: string;
  decision: CommandDecision;
  rule?: string;
  /** What the policy engine did (mask rules, statement kinds…); any JSON. */
  actions?: unknown;
}

export interface CommandEntry {
  sessionId: string;
  frame: number;
  tUs: number;
  text: string;
  decision: CommandDecision;
  rule: string | null;
  actions: unknown;
}

export interface ApprovalRequest {
  id: string;
  sessionId: string;
  /** The requester: cannot approve their own request. */
  principal: string;
  connection: string;
  statement: string;
  /**
   * The values of each run the request covers, as text ($1 first; null is SQL NULL): one run for a single statement,
   * several for a batch of Binds the client sent at once; empty when the values are in the statement itself.
   */
  runs: Array<Array<string | null>>;
  actions: unknown;
  rule: string;
  requiredCount: number;
  /** An approver must be in at least one of these. */
  approverGroups: string[];
  status: ApprovalStatus;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  votes: ApprovalVote[];
}

export interface NewApproval {
  id: string;
  sessionId: string;
  principal: string;
  connection: string;
  statement: string;
  runs?: Array<Array<string | null>>;
  actions: unknown;
  rule: string;
  requiredCount: number;
  approverGroups: string[];
  expiresAt: string;
  /** Default: the store's clock. */
  createdAt?: string;
}

export interface ApprovalFilter {
  status?: ApprovalStatus;
  sessionId?: string;
  /** Default 100, at most 1000. Newest first. */
  limit?: number;
}

/** One recording chunk on disk, as `Store.chunksWritten` takes it. */
export interface ChunkWrite {
  sessionId: string;
  chunk: ChunkEntry;
  commands: readonly CommandInput[];
  progress: SessionProgress;
}

/**
 * Everything Vigil persists except recording bytes. Synchronous because better-sqlite3 is; nothing here
 * relies on one process owning the data (ids are strings made without a counter, every multi-step change is
 * one transaction), so a PostgreSQL implementation can follow. Errors are StoreError.
 */
export interface Store {
  createSession(input: NewSession): Session;
  /** Only while live; else StoreError 'conflict'. */
  updateSessionProgress(id: string, progress: SessionProgress): void;
  /** live → ended | interrupted | failed; else StoreError 'conflict'. */
  endSession(id: string, end: SessionEnd): Session;
  getSession(id: string): Session | undefined;
  listSessions(query?: SessionListQuery): SessionPage;
  countSessions(filter?: SessionFilter): number;
  /** Sessions still marked live: on start-up, those a crashed process left behind. */
  liveSessions(): Session[];

  /** Idempotent for an identical entry; a different entry with the same seq is StoreError 'conflict'. */
  addChunk(sessionId: string, chunk: ChunkEntry): void;
  chunks(sessionId: string): ChunkEntry[];
  /** The chunk holding frame `frame`, if any. */
  chunkForFrame(sessionId: string, frame: number): ChunkEntry | undefined;
  /** The chunk to read to show time `tUs`: the last one starting at or before it, else the first one. */
  chunkForTime(sessionId: string, tUs: number): ChunkEntry | undefined;

  /**
   * Recording chunks that reached their files, each with the commands recorded up to it and its session's counters:
   * one transaction for the batch, each write applied whole or not at all. Returns, in order, the session as it now
   * is, or the error that kept that write out.
   */
  chunksWritten(writes: readonly ChunkWrite[]): Array<Session | Error>;

  addCommand(sessionId: string, command: CommandInput): void;
  /** Several commands in one transaction (the gateway batches them per recording chunk). */
  addCommands(sessionId: string, commands: readonly CommandInput[]): void;
  commands(sessionId: string): CommandEntry[];

  createApproval(input: NewApproval): ApprovalRequest;
  getApproval(id: string): ApprovalRequest | undefined;
  listApprovals(filter?: ApprovalFilter): ApprovalRequest[];
  /** Refusals (self-approval, second vote, not an approver, not pending, past expiry) are 'invalid_transition'. */
  recordApprovalVote(id: string, vote: ApprovalVote): ApprovalRequest;
  setApprovalStatus(id: string, status: 'expired' | 'cancelled', at: string): ApprovalRequest;

  /** Appends to the hash chain in one IMMEDIATE transaction, so concurrent writers cannot fork it. */
  appendAudit(input: AuditEventInput): AuditEvent;
  listAudit(filter?: AuditFilter): AuditEvent[];
  auditHead(): AuditHead;

  close(): void;
}
