/**
 * What went wrong in a store call, in words a caller can act on: the control API maps `not_found` to 404,
 * `conflict` / `invalid_transition` to 409 and `invalid_input` / `bad_cursor` / `bad_query` to 400.
 */
export type StoreErrorCode =
  | 'not_found'
  | 'conflict'
  | 'invalid_input'
  | 'invalid_transition'
  | 'bad_cursor'
  | 'bad_query'
  | 'schema_too_new';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** better-sqlite3 throws SqliteError with codes such as SQLITE_CONSTRAINT_PRIMARYKEY. */
export function sqliteCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
