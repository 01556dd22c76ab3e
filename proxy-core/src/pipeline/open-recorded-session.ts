import { join } from 'node:path';
import { JsonText } from '@vigil/recordings';
import type { Logger } from '../logger';
import { newSortableId } from '../store/ids';
import type { ChunkEntry, CommandDecision, Session, Store } from '../store/store.types';
import { type ChunkIndexQueue, createChunkIndexQueue } from './chunk-index-queue';
import type { VerdictDetail } from './command-gate.types';
import type { OpenSessionInput, RecordedSession } from './recorded-session.types';
import type { SessionEvents } from './session-events';

/** The recorder as the pipeline uses it (implemented by recording/session-recorder). */
export interface RecorderPort {
  recordBytes(direction: 'client' | 'server', data: Uint8Array, channel?: number): void;
  recordAnnotation(value: unknown): void;
  recordResize(cols: number, rows: number): void;
  readonly frames: number;
  readonly bytesClient: number;
  readonly bytesServer: number;
  /** Bytes produced but not yet written to the file. */
  readonly pendingWriteBytes: number;
  /** Microseconds since the recording started. */
  now(): number;
  close(opts: {
    reason: string;
    interrupted?: boolean;
  }): Promise<{ finalHash: string; frames: number; chunks: number }>;
}

export type RecorderFactory = (opts: {
  path: string;
  header: Record<string, unknown>;
  onChunk: (entry: ChunkEntry) => void;
  onError: (err: Error) => void;
}) => RecorderPort;

/** Recorder write queue bounds: above the high mark a protocol stops reading its upstream until below the low one. */
const RECORDER_HIGH_WATER = 8 * 1024 * 1024;
const RECORDER_LOW_WATER = 2 * 1024 * 1024;

export interface PipelineDeps {
  store: Store;
  /** Batches chunk index writes across sessions; without one, each chunk is written at once. */
  chunkIndex?: ChunkIndexQueue;
  recordingsDir: string;
  createRecorder: RecorderFactory;
  events: SessionEvents;
  logger: Logger;
  /** Gateway key fingerprint, written into each recording's header. */
  keyFingerprint: string;
}

interface PendingCommand {
  frame: number;
  tUs: number;
  text: string;
  decision: CommandDecision;
  rule?: string;
  actions?: unknown;
}

/**
 * Opens a session for any protocol: store row, recording file, audit events, live events. Fails
 * (throws) before anything reaches the upstream if the session cannot be recorded.
 * Command rows for search are written with each recording chunk, not per statement, to keep the
 * per-statement path free of synchronous database writes.
 */
export function openRecordedSession(deps: PipelineDeps, input: OpenSessionInput): RecordedSession {
  const startedAt = new Date();
  const id = newSortableId(startedAt);
  const path = join(deps.recordingsDir, `${id}.vrec`);
  const failureListeners: Array<(err: Error) => void> = [];
  const terminateListeners: Array<(reason: string) => void> = [];
  const counters = { commands: 0, denials: 0, approvals: 0, masked: 0, chunks: 0 };
  let pending: PendingCommand[] = [];
  let failed: Error | undefined;
  let ended: Promise<Session | undefined> | undefined;
  let drained: Promise<void> | undefined;
  const log = deps.logger.child({ session: id });
  const chunkIndex = deps.chunkIndex ?? createChunkIndexQueue(deps.store, { delayMs: 0 });

  const flushCommands = () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    deps.store.addCommands(id, batch);
  };
  /** Shapes of allowed commands already searchable in this session (bounded). */
  const seenShapes = new Set<string>();
  const storedDetails = new WeakSet<VerdictDetail>();

  const recorder = deps.createRecorder({
    path,
    header: {
      sessionId: id,
      protocol: input.protocol,
      connection: input.connection,
      principal: input.principal.sub,
      groups: input.principal.groups,
      clientAddr: input.clientAddr,
      upstream: input.upstream,
      startedAt: startedAt.toISOString(),
      gatewayKey: deps.keyFingerprint,
      ...input.header,
    },
    onChunk: (entry) => {
      try {
        counters.chunks++;
        const commands = pending;
        pending = [];
        chunkIndex.add({ sessionId: id, chunk: entry, commands, progress: progress() }, (result) => {
          if (result instanceof Error) fail(result);
          else deps.events.updated(result);
        });
      } catch (err) {
        fail(err as Error);
      }
    },
    onError: (err) => fail(err),
  });

  const progress = () => ({
    bytesIn: recorder.bytesClient,
    bytesOut: recorder.bytesServer,
    frames: recorder.frames,
    ...counters,
  });

  function fail(err: Error): void {
    if (failed) return;
    failed = err;
    log.error('session recording failed', { err });
    for (const l of failureListeners) l(err);
  }

  let row: Session;
  try {
    row = deps.store.createSession({
      id,
      protocol: input.protocol,
      connection: input.connection,
      principal: input.principal.sub,
      groups: input.principal.groups,
      clientAddr: input.clientAddr,
      upstream: input.upstream,
      startedAt: startedAt.toISOString(),
      recording: path,
    });
    deps.store.appendAudit({
      type: 'session.start',
      actor: input.principal.sub,
      sessionId: id,
      connection: input.connection,
      data: {
        protocol: input.protocol,
        clientAddr: input.clientAddr,
        upstream: input.upstream,
        groups: input.principal.groups,
      },
    });
  } catch (err) {
    void recorder.close({ reason: 'session could not be registered', interrupted: true }).catch(() => {});
    throw err;
  }
  deps.events.started(row);

  const live = (direction: 'client' | 'server', data: Uint8Array, channel: number) => {
    if (deps.events.isWatched(id))
      deps.events.frame(id, { n: recorder.frames - 1, tUs: recorder.now(), kind: 'bytes', direction, channel, data });
  };

  const session: RecordedSession = {
    id,
    principal: input.principal,
    connection: input.connection,
    stepMode: false,
    clientBytes(data, channel = 0) {
      recorder.recordBytes('client', data, channel);
      live('client', data, channel);
      return recorder.frames - 1;
    },
    serverBytes(data, channel = 0) {
      recorder.recordBytes('server', data, channel);
      live('server', data, channel);
      return recorder.frames - 1;
    },
    resize(cols, rows) {
      recorder.recordResize(cols, rows);
      if (deps.events.isWatched(id))
        deps.events.frame(id, { n: recorder.frames - 1, tUs: recorder.now(), kind: 'resize', cols, rows });
      return recorder.frames - 1;
    },
    annotate(value) {
      recorder.recordAnnotation(value);
      if (deps.events.isWatched(id))
        deps.events.frame(id, { n: recorder.frames - 1, tUs: recorder.now(), kind: 'annotation', value });
      return recorder.frames - 1;
    },
    command(entry) {
      counters.commands++;
      if (entry.decision === 'deny' || entry.decision === 'denied' || entry.decision === 'expired') counters.denials++;
      if (entry.decision === 'review') counters.approvals++;
      const actions = entry.detail?.actions ?? entry.actions;
      if (entry.detail && !entry.requestId && entry.actions === undefined && !deps.events.isWatched(id)) {
        // The hot path (one per statement): the same verdict detail recurs for every repetition of a
        // command, so its JSON is built once and the annotation is assembled as text.
        recorder.recordAnnotation(
          new JsonText(commandJson(entry.frame, entry.text, entry.decision, entry.rule, entry.detail)),
        );
      } else {
        session.annotate({
          type: 'command',
          frame: entry.frame,
          text: entry.text,
          decision: entry.decision,
          rule: entry.rule,
          reason: entry.detail?.reason ?? null,
          statements: entry.detail?.statements ?? [],
          ...(entry.requestId ? { requestId: entry.requestId } : {}),
          ...(actions === undefined ? {} : { actions }),
        });
      }
      // Search needs each kind of command once per session, not every repetition of `SELECT … WHERE id = 42`;
      // every command stays in the recording, and every refused or held one is stored.
      if (entry.decision === 'allow') {
        // A verdict the gate reused is one of a command shape already stored: no need to compute it again.
        if (entry.detail && storedDetails.has(entry.detail)) return;
        if (entry.detail) storedDetails.add(entry.detail);
        const shape = commandShape(entry.text);
        if (seenShapes.has(shape)) return;
        if (seenShapes.size < 10_000) seenShapes.add(shape);
      }
      pending.push({
        frame: entry.frame,
        tUs: recorder.now(),
        text: entry.text,
        decision: entry.decision,
        ...(entry.rule ? { rule: entry.rule } : {}),
        ...(actions === undefined ? {} : { actions }),
      });
      if (pending.length >= 256) flushCommands();
    },
    countMasked(n) {
      counters.masked += n;
    },
    whenWritable() {
      if (recorder.pendingWriteBytes < RECORDER_HIGH_WATER) return undefined;
      drained ??= new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (recorder.pendingWriteBytes < RECORDER_LOW_WATER || failed) {
            clearInterval(poll);
            drained = undefined;
            resolve();
          }
        }, 5);
      });
      return drained;
    },
    end(reason, status = 'ended') {
      ended ??= (async () => {
        session.annotate({ type: 'session.end', reason });
        let seal: { finalHash: string; frames: number; chunks: number } | undefined;
        try {
          seal = await recorder.close({ reason });
        } catch (err) {
          log.error('could not seal recording', { err });
        }
        try {
          chunkIndex.flush();
          flushCommands();
          const endedRow = deps.store.endSession(id, {
            endedAt: new Date().toISOString(),
            status: failed || !seal ? 'failed' : status,
            endReason: failed ? `${reason} (recording failed: ${failed.message})` : reason,
            finalHash: seal?.finalHash ?? null,
            ...progress(),
            ...(seal ? { frames: seal.frames, chunks: seal.chunks } : {}),
          });
          deps.store.appendAudit({
            type: 'session.end',
            actor: input.principal.sub,
            sessionId: id,
            connection: input.connection,
            data: {
              reason,
              status: endedRow.status,
              commands: endedRow.commands,
              denials: endedRow.denials,
              approvals: endedRow.approvals,
              masked: endedRow.masked,
              frames: endedRow.frames,
              bytesIn: endedRow.bytesIn,
              bytesOut: endedRow.bytesOut,
              finalHash: endedRow.finalHash,
            },
          });
          deps.events.ended(endedRow);
          return endedRow;
        } catch (err) {
          log.error('could not record the end of the session', { err });
          return undefined;
        }
      })();
      return ended;
    },
    onFailure(listener) {
      failureListeners.push(listener);
      if (failed) listener(failed);
    },
    onTerminate(listener) {
      terminateListeners.push(listener);
    },
  };
  deps.events.register(id, {
    terminate: (by) => {
      for (const l of terminateListeners) l(by);
    },
    session,
  });
  return session;
}

const detailJson = new WeakMap<VerdictDetail, string>();

/** The command annotation as JSON text, with the verdict detail's part serialized once per detail. */
function commandJson(
  frame: number,
  text: string,
  decision: string,
  rule: string | null,
  detail: VerdictDetail,
): string {
  let tail = detailJson.get(detail);
  if (tail === undefined) {
    tail = `,"reason":${JSON.stringify(detail.reason)},"statements":${JSON.stringify(detail.statements)},"actions":${JSON.stringify(detail.actions)}}`;
    detailJson.set(detail, tail);
  }
  return `{"type":"command","frame":${frame},"text":${JSON.stringify(text)},"decision":${JSON.stringify(decision)},"rule":${JSON.stringify(rule)}${tail}`;
}

/** A command with its literals blanked: `SELECT * FROM t WHERE id = 42` and `… = 43` have one shape. */
export function commandShape(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\b\d+(?:\.\d+)?\b/g, '0')
    .replace(/\s+/g, ' ');
}
