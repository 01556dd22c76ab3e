import { count, nonEmpty } from './input-checks';
import { parseJson, rethrowConstraint, type SqliteContext } from './sqlite-context';
import type { ChunkEntry, CommandEntry, CommandInput, Store } from './store.types';
import { StoreError } from './store-error';

type RecordingIndexMethods = Pick<
  Store,
  'addChunk' | 'chunks' | 'chunkForFrame' | 'chunkForTime' | 'addCommand' | 'addCommands' | 'commands'
>;

interface ChunkRow {
  seq: number;
  first_frame: number;
  frame_count: number;
  first_t_us: number;
  last_t_us: number;
  file_offset: number;
  length: number;
  raw_length: number;
  hash: string;
}

interface CommandRow {
  session_id: string;
  frame: number;
  t_us: number;
  text: string;
  decision: CommandEntry['decision'];
  rule: string | null;
  actions_json: string | null;
}

const CHUNK_COLUMNS = 'seq, first_frame, frame_count, first_t_us, last_t_us, file_offset, length, raw_length, hash';

/** The chunk index of each recording (seek to frame N or time T reading one chunk) and its commands. */
export function sqliteRecordingIndex(ctx: SqliteContext): RecordingIndexMethods {
  const { db } = ctx;
  const insertChunk =
    db.prepare(`INSERT INTO chunks (session_id, ${CHUNK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (session_id, seq) DO NOTHING`);
  const chunkBySeq = db.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE session_id = ? AND seq = ?`);
  const allChunks = db.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE session_id = ? ORDER BY seq`);
  // Both lookups are one descent of a (session_id, first_*) index: O(log n).
  const chunkAtFrame = db.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE session_id = ? AND first_frame <= ?
    ORDER BY first_frame DESC LIMIT 1`);
  const chunkAtTime = db.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE session_id = ? AND first_t_us <= ?
    ORDER BY first_t_us DESC, seq DESC LIMIT 1`);
  const firstChunk = db.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE session_id = ? ORDER BY seq LIMIT 1`);
  const insertCommand = db.prepare(`INSERT INTO commands (session_id, frame, t_us, text, decision, rule, actions_json)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const sessionCommands = db.prepare(`SELECT session_id, frame, t_us, text, decision, rule, actions_json
    FROM commands WHERE session_id = ? ORDER BY frame, id`);

  // One transaction for a batch: the search index is updated once per commit, not once per statement.
  const addMany = db.transaction((sessionId: string, commands: readonly CommandInput[]) => {
    for (const c of commands) methods.addCommand(sessionId, c);
  });

  const methods: RecordingIndexMethods = {
    addChunk(sessionId: string, chunk: ChunkEntry): void {
      const values = [
        count(chunk.seq, 'seq'),
        count(chunk.firstFrame, 'firstFrame'),
        count(chunk.frameCount, 'frameCount'),
        count(chunk.firstTUs, 'firstTUs'),
        count(chunk.lastTUs, 'lastTUs'),
        count(chunk.offset, 'offset'),
        count(chunk.length, 'length'),
        count(chunk.rawLength, 'rawLength'),
        nonEmpty(chunk.hash, 'hash'),
      ];
      let changes: number;
      try {
        changes = insertChunk.run(sessionId, ...values).changes;
      } catch (err) {
        rethrowConstraint(err, `chunk ${chunk.seq} of session ${sessionId}`);
      }
      if (changes > 0) return;
      // Re-indexing a recording after a crash adds the same chunks again: harmless when they match.
      const existing = toChunk(chunkBySeq.get(sessionId, chunk.seq) as ChunkRow);
      if (!sameChunk(existing, chunk)) {
        throw new StoreError('conflict', `session ${sessionId} already has a different chunk ${chunk.seq}`);
      }
    },

    chunks(sessionId: string): ChunkEntry[] {
      return (allChunks.all(sessionId) as ChunkRow[]).map(toChunk);
    },

    chunkForFrame(sessionId: string, frame: number): ChunkEntry | undefined {
      const row = chunkAtFrame.get(sessionId, frame) as ChunkRow | undefined;
      if (row === undefined || frame >= row.first_frame + row.frame_count) return undefined;
      return toChunk(row);
    },

    chunkForTime(sessionId: string, tUs: number): ChunkEntry | undefined {
      const row = (chunkAtTime.get(sessionId, tUs) ?? firstChunk.get(sessionId)) as ChunkRow | undefined;
      return row === undefined ? undefined : toChunk(row);
    },

    addCommand(sessionId: string, command: CommandInput): void {
      try {
        insertCommand.run(
          sessionId,
          count(command.frame, 'frame'),
          count(command.tUs, 'tUs'),
          command.text,
          nonEmpty(command.decision, 'decision'),
          command.rule ?? null,
          command.actions === undefined ? null : JSON.stringify(command.actions),
        );
      } catch (err) {
        rethrowConstraint(err, `command at frame ${command.frame} of session ${sessionId}`);
      }
    },

    addCommands(sessionId: string, commands: readonly CommandInput[]): void {
      addMany(sessionId, commands);
    },

    commands(sessionId: string): CommandEntry[] {
      return (sessionCommands.all(sessionId) as CommandRow[]).map(toCommand);
    },
  };
  return methods;
}

function toChunk(row: ChunkRow): ChunkEntry {
  return {
    seq: row.seq,
    firstFrame: row.first_frame,
    frameCount: row.frame_count,
    firstTUs: row.first_t_us,
    lastTUs: row.last_t_us,
    offset: row.file_offset,
    length: row.length,
    rawLength: row.raw_length,
    hash: row.hash,
  };
}

function sameChunk(a: ChunkEntry, b: ChunkEntry): boolean {
  return (Object.keys(a) as (keyof ChunkEntry)[]).every((k) => a[k] === b[k]);
}

function toCommand(row: CommandRow): CommandEntry {
  return {
    sessionId: row.session_id,
    frame: row.frame,
    tUs: row.t_us,
    text: row.text,
    decision: row.decision,
    rule: row.rule,
    actions: parseJson(row.actions_json),
  };
}
