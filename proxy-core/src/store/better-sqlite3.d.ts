// Minimal typings for the parts of better-sqlite3 the store uses; @types/better-sqlite3 is not installed.
// Delete this file if that package is ever added. @see https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md
declare module 'better-sqlite3' {
  export interface RunResult {
    changes: number;
    lastInsertRowid: number | bigint;
  }

  export interface Statement {
    run(...params: unknown[]): RunResult;
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
    iterate(...params: unknown[]): IterableIterator<unknown>;
  }

  export interface Transaction<F extends (...args: never[]) => unknown> {
    (...args: Parameters<F>): ReturnType<F>;
    deferred(...args: Parameters<F>): ReturnType<F>;
    immediate(...args: Parameters<F>): ReturnType<F>;
    exclusive(...args: Parameters<F>): ReturnType<F>;
  }

  export interface Options {
    readonly?: boolean;
    fileMustExist?: boolean;
    /** Busy timeout in milliseconds (default 5000). */
    timeout?: number;
  }

  export interface Database {
    readonly open: boolean;
    readonly inTransaction: boolean;
    readonly name: string;
    prepare(sql: string): Statement;
    exec(sql: string): this;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
    close(): this;
  }

  export interface SqliteError extends Error {
    readonly code: string;
  }

  interface DatabaseConstructor {
    new (filename?: string, options?: Options): Database;
    readonly SqliteError: new (message: string, code: string) => SqliteError;
  }

  const Database: DatabaseConstructor;
  export default Database;
}
