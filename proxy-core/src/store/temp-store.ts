import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../logger';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store';
import type { Store } from './store.types';

/** A store in a fresh temp directory, for tests and benchmarks; remove() closes it and deletes the directory. */
export interface TempStore {
  store: Store;
  dir: string;
  path: string;
  remove(): void;
}

export function openTempStore(options: Partial<SqliteStoreOptions> = {}): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-store-'));
  const path = join(dir, 'vigil.db');
  const store = openSqliteStore({ path, logger: silentLogger, ...options });
  return {
    store,
    dir,
    path,
    remove() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
