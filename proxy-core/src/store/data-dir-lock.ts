import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteCode } from './store-error';

/**
 * One gateway per data directory. A second one would take the first one's live sessions for a crash's
 * leftovers and seal their recordings as interrupted while they are still being written (and, with
 * `--demo`, open the embedded database twice). The lock is SQLite's exclusive lock on a file of its own,
 * held for the gateway's life: the operating system drops it when the process ends however it ends, so
 * a crashed gateway leaves nothing stale behind. The CLI's state commands do not take it.
 */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'gateway.lock');
  const db = new BetterSqlite3(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if (sqliteCode(err)?.startsWith('SQLITE_BUSY'))
      throw new DataDirBusyError(
        `another Vigil gateway is serving ${dataDir}; stop it first, or give this one another dataDir`,
      );
    throw err;
  }
  return {
    path,
    release() {
      if (db.open) db.close();
    },
  };
}
