import BetterSqlite3 from 'better-sqlite3';
import { sha256Hex } from '../audit/node-sha256';
import { sqliteAuditLog } from '../audit/sqlite-audit-log';
import type { Logger } from '../logger';
import { ensureAuditTriggers, migrate } from './migrations';
import { sqliteApprovals } from './sqlite-approvals';
import type { SqliteContext } from './sqlite-context';
import { sqliteRecordingIndex } from './sqlite-recording-index';
import { sqliteSessions } from './sqlite-sessions';
import type { ChunkWrite, Session, Store } from './store.types';

export interface SqliteStoreOptions {
  /** Database file, e.g. `<dataDir>/vigil.db`; its directory must exist. */
  path: string;
  logger: Logger;
  /** Clock for defaults (startedAt, createdAt, audit time). Default: the system clock. */
  now?: () => Date;
  /** How long a writer waits for another process's write lock before SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating and migrating as needed) the embedded store. Several processes may open the same file:
 * WAL lets readers run beside one writer, and busy_timeout makes writers queue instead of failing.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const { path, logger } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const db = new BetterSqlite3(path, { timeout: busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') logger.warn('store is not in WAL mode', { path, mode });
    // In WAL mode NORMAL keeps the database consistent after a crash; a power cut may lose the last commits.
    // @see https://sqlite.org/pragma.html#pragma_synchronous
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const version = migrate(db, logger);
    ensureAuditTriggers(db, logger);
    logger.debug('store opened', { path, schemaVersion: version });
  } catch (err) {
    db.close();
    throw err;
  }
  const ctx: SqliteContext = { db, logger, now: options.now ?? (() => new Date()) };
  const sessions = sqliteSessions(ctx);
  const index = sqliteRecordingIndex(ctx);
  // Nested in chunksWritten's transaction, so a write that fails rolls back alone (a savepoint).
  const chunkWritten = db.transaction((w: ChunkWrite): Session => {
    index.addChunk(w.sessionId, w.chunk);
    if (w.commands.length > 0) index.addCommands(w.sessionId, w.commands);
    sessions.updateSessionProgress(w.sessionId, w.progress);
    return sessions.getSession(w.sessionId) as Session;
  });
  return {
    ...sessions,
    ...index,
    ...sqliteApprovals(ctx),
    ...sqliteAuditLog(ctx, sha256Hex),
    chunksWritten: db.transaction((writes: readonly ChunkWrite[]) =>
      writes.map((w) => {
        try {
          return chunkWritten(w);
        } catch (err) {
          return err as Error;
        }
      }),
    ),
    close(): void {
      if (db.open) db.close();
    },
  };
}
