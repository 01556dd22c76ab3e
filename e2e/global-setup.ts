import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './support/paths';

/**
 * The gateway serves renderer/dist: build the IDE when a fresh clone has none, or when its sources
 * changed since (the tests would otherwise drive yesterday's IDE). Same script as `npm start` uses.
 */
export default function setup(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/ensure-ide-built.mjs')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}
