import type { Database } from 'better-sqlite3';
import type { Logger } from '../logger';
import { StoreError, sqliteCode } from './store-error';

/** What each part of the SQLite store shares: one connection, the logger and the clock. */
export interface SqliteContext {
  db: Database;
  logger: Logger;
  now: () => Date;
}

/** Turns constraint violations into StoreErrors the caller can act on; anything else is rethrown as is. */
export function rethrowConstraint(err: unknown, what: string): never {
  switch (sqliteCode(err)) {
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
    case 'SQLITE_CONSTRAINT_UNIQUE':
      throw new StoreError('conflict', `${what} already exists`, { cause: err });
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      throw new StoreError('not_found', `${what} refers to a session or request that does not exist`, { cause: err });
    case 'SQLITE_CONSTRAINT_CHECK':
    case 'SQLITE_CONSTRAINT_NOTNULL':
      throw new StoreError('invalid_input', `${what} has an invalid value`, { cause: err });
    default:
      throw err;
  }
}

export function parseJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
