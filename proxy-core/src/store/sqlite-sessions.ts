import type { Statement } from 'better-sqlite3';
import { type CommandSearch, compileCommandSearch, likePattern } from './command-search';
import { newSortableId } from './ids';
import { count, isoTime, nonEmpty, optionalCount, pageLimit } from './input-checks';
import { decodeSessionCursor, encodeSessionCursor } from './session-cursor';
import { rethrowConstraint, type SqliteContext } from './sqlite-context';
import type {
  NewSession,
  Session,
  SessionEnd,
  SessionFilter,
  SessionListQuery,
  SessionPage,
  SessionProgress,
  Store,
} from './store.types';
import { StoreError, sqliteCode } from './store-error';

type SessionMethods = Pick<
  Store,
  | 'createSession'
  | 'updateSessionProgress'
  | 'endSession'
  | 'getSession'
  | 'listSessions'
  | 'countSessions'
  | 'liveSessions'
>;

interface SessionRow {
  id: string;
  protocol: Session['protocol'];
  connection: string;
  principal: string;
  groups_json: string;
  client_addr: string;
  upstream: string;
  started_at: string;
  ended_at: string | null;
  status: Session['status'];
  end_reason: string | null;
  bytes_in: number;
  bytes_out: number;
  frames: number;
  commands: number;
  denials: number;
  approvals: number;
  masked: number;
  chunks: number;
  recording: string;
  final_hash: string | null;
}

interface Where {
  sql: string;
  params: unknown[];
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

export function sqliteSessions(ctx: SqliteContext): SessionMethods {
  const { db, logger } = ctx;
  const insert = db.prepare(`INSERT INTO sessions (id, protocol, connection, principal, groups_json, client_addr,
    upstream, started_at, status, recording) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'live', ?)`);
  const selectOne = db.prepare('SELECT * FROM sessions WHERE id = ?');
  const selectLive = db.prepare("SELECT * FROM sessions WHERE status = 'live' ORDER BY started_at, id");
  const progress = db.prepare(`UPDATE sessions SET bytes_in = @bytesIn, bytes_out = @bytesOut, frames = @frames,
    chunks = @chunks, commands = coalesce(@commands, commands), denials = coalesce(@denials, denials),
    approvals = coalesce(@approvals, approvals), masked = coalesce(@masked, masked)
    WHERE id = @id AND status = 'live'`);
  const end = db.prepare(`UPDATE sessions SET ended_at = @endedAt, status = @status, end_reason = @endReason,
    final_hash = @finalHash, bytes_in = coalesce(@bytesIn, bytes_in), bytes_out = coalesce(@bytesOut, bytes_out),
    frames = coalesce(@frames, frames), chunks = coalesce(@chunks, chunks), commands = coalesce(@commands, commands),
    denials = coalesce(@denials, denials), approvals = coalesce(@approvals, approvals),
    masked = coalesce(@masked, masked) WHERE id = @id AND status = 'live'`);

  // Filtered queries differ only in which conditions are present, so the set of SQL texts is small.
  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let stmt = statements.get(sql);
    if (stmt === undefined) {
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };

  const getSession = (id: string): Session | undefined => {
    const row = selectOne.get(id) as SessionRow | undefined;
    return row === undefined ? undefined : toSession(row);
  };

  /** Why a live-only update changed nothing. */
  const notLive = (id: string): StoreError => {
    const session = getSession(id);
    return session === undefined
      ? new StoreError('not_found', `session ${id} not found`)
      : new StoreError('conflict', `session ${id} is ${session.status}, not live`);
  };

  /** Runs a filtered query; if FTS5 still rejects the expression, logs it and answers with LIKE instead. */
  const withSearch = <T>(filter: SessionFilter, run: (where: Where) => T): T => {
    const search = filter.q === undefined ? undefined : compileCommandSearch(filter.q);
    try {
      return run(whereClause(filter, search));
    } catch (err) {
      if (search?.fts === undefined || sqliteCode(err) === undefined) throw err;
      logger.warn('command search fell back to LIKE', { q: filter.q, err });
      return run(whereClause(filter, { words: search.words }));
    }
  };

  return {
    createSession(input: NewSession): Session {
      const startedAt = isoTime(input.startedAt ?? ctx.now().toISOString(), 'startedAt');
      const id = input.id ?? newSortableId(new Date(startedAt));
      try {
        insert.run(
          nonEmpty(id, 'id'),
          input.protocol,
          nonEmpty(input.connection, 'connection'),
          nonEmpty(input.principal, 'principal'),
          JSON.stringify(input.groups),
          input.clientAddr,
          input.upstream,
          startedAt,
          nonEmpty(input.recording, 'recording'),
        );
      } catch (err) {
        rethrowConstraint(err, `session ${id}`);
      }
      return getSession(id) as Session;
    },

    updateSessionProgress(id: string, p: SessionProgress): void {
      const params = {
        id,
        bytesIn: count(p.bytesIn, 'bytesIn'),
        bytesOut: count(p.bytesOut, 'bytesOut'),
        frames: count(p.frames, 'frames'),
        chunks: count(p.chunks, 'chunks'),
        ...optionalCounters(p),
      };
      if (progress.run(params).changes === 0) throw notLive(id);
    },

    endSession(id: string, e: SessionEnd): Session {
      if (!['ended', 'interrupted', 'failed'].includes(e.status)) {
        throw new StoreError('invalid_input', `status: a session cannot end as ${e.status}`);
      }
      const params = {
        id,
        endedAt: isoTime(e.endedAt, 'endedAt'),
        status: e.status,
        endReason: e.endReason,
        finalHash: e.finalHash,
        bytesIn: optionalCount(e.bytesIn, 'bytesIn'),
        bytesOut: optionalCount(e.bytesOut, 'bytesOut'),
        frames: optionalCount(e.frames, 'frames'),
        chunks: optionalCount(e.chunks, 'chunks'),
        ...optionalCounters(e),
      };
      if (end.run(params).changes === 0) throw notLive(id);
      return getSession(id) as Session;
    },

    getSession,

    listSessions(query: SessionListQuery = {}): SessionPage {
      const limit = pageLimit(query.limit, DEFAULT_PAGE, MAX_PAGE);
      const after = query.cursor === undefined ? undefined : decodeSessionCursor(query.cursor);
      const rows = withSearch(query, (where) => {
        const conds = after === undefined ? where : and(where, '(started_at, id) < (?, ?)', after.startedAt, after.id);
        const sql = `SELECT * FROM sessions${conds.sql} ORDER BY started_at DESC, id DESC LIMIT ?`;
        return prepared(sql).all(...conds.params, limit + 1) as SessionRow[];
      });
      const sessions = rows.slice(0, limit).map(toSession);
      const last = sessions.at(-1);
      if (rows.length <= limit || last === undefined) return { sessions };
      return { sessions, nextCursor: encodeSessionCursor({ startedAt: last.startedAt, id: last.id }) };
    },

    countSessions(filter: SessionFilter = {}): number {
      return withSearch(filter, (where) => {
        const row = prepared(`SELECT count(*) AS n FROM sessions${where.sql}`).get(...where.params) as { n: number };
        return row.n;
      });
    },

    liveSessions(): Session[] {
      return (selectLive.all() as SessionRow[]).map(toSession);
    },
  };
}

function optionalCounters(p: Partial<SessionProgress>) {
  return {
    commands: optionalCount(p.commands, 'commands'),
    denials: optionalCount(p.denials, 'denials'),
    approvals: optionalCount(p.approvals, 'approvals'),
    masked: optionalCount(p.masked, 'masked'),
  };
}

function whereClause(filter: SessionFilter, search: CommandSearch | undefined): Where {
  let where: Where = { sql: '', params: [] };
  if (filter.principal !== undefined) where = and(where, 'principal = ?', filter.principal);
  if (filter.connection !== undefined) where = and(where, 'connection = ?', filter.connection);
  if (filter.protocol !== undefined) where = and(where, 'protocol = ?', filter.protocol);
  if (filter.status !== undefined) where = and(where, 'status = ?', filter.status);
  if (filter.since !== undefined) where = and(where, 'started_at >= ?', isoTime(filter.since, 'since'));
  if (filter.until !== undefined) where = and(where, 'started_at < ?', isoTime(filter.until, 'until'));
  if (search?.fts !== undefined) {
    where = and(
      where,
      'id IN (SELECT session_id FROM commands WHERE id IN (SELECT rowid FROM commands_fts WHERE commands_fts MATCH ?))',
      search.fts,
    );
  } else if (search !== undefined) {
    const likes = search.words.map(() => "text LIKE ? ESCAPE '\\'").join(' AND ');
    where = and(where, `id IN (SELECT session_id FROM commands WHERE ${likes})`, ...search.words.map(likePattern));
  }
  return where;
}

function and(where: Where, cond: string, ...params: unknown[]): Where {
  return { sql: `${where.sql}${where.sql === '' ? ' WHERE ' : ' AND '}${cond}`, params: [...where.params, ...params] };
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    protocol: row.protocol,
    connection: row.connection,
    principal: row.principal,
    groups: JSON.parse(row.groups_json) as string[],
    clientAddr: row.client_addr,
    upstream: row.upstream,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    status: row.status,
    endReason: row.end_reason,
    bytesIn: row.bytes_in,
    bytesOut: row.bytes_out,
    frames: row.frames,
    commands: row.commands,
    denials: row.denials,
    approvals: row.approvals,
    masked: row.masked,
    recording: row.recording,
    finalHash: row.final_hash,
    chunks: row.chunks,
  };
}
