import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Where screenshots go: the committed e2e/screenshots/ when refreshing them on purpose
 * (`UPDATE_SCREENSHOTS=1 npx vitest run --project e2e`), else a temporary folder, so an ordinary
 * test run leaves the work tree as it found it.
 */
export const SCREENSHOTS_DIR = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../screenshots/', import.meta.url))
  : join(tmpdir(), 'vigil-e2e-screenshots');
