/**
 * The real PostgreSQL parser (libpg-query, WASM). The WASM module is loaded once per process by `initMasking()`,
 * which the composition root awaits before any session starts; parsing after that is synchronous.
 */
import { loadModule, type ParseResult, parseSync } from 'libpg-query';

let loading: Promise<void> | undefined;
let ready = false;

export function initMasking(): Promise<void> {
  loading ??= loadModule().then(() => {
    ready = true;
  });
  return loading;
}

/** Parses SQL text; throws libpg-query's SqlError on a syntax error, and if `initMasking()` has not completed. */
export function parseSql(sql: string): ParseResult {
  if (!ready) throw new Error('masking: the SQL parser is not loaded; await initMasking() first');
  return parseSync(sql);
}
