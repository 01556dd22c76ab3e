import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/paths';

const RENDERER = join(REPO_ROOT, 'renderer');
const BUILT = join(RENDERER, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number | null {
  try {
    return statSync(BUILT).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * The gateway serves renderer/dist: build the IDE when a fresh clone has none, or when its sources changed since
 * (the tests would otherwise drive yesterday's IDE).
 */
export default function setup(): void {
  const built = builtAt();
  const sources = Math.max(newestSource(join(RENDERER, 'src')), statSync(join(RENDERER, 'index.html')).mtimeMs);
  if (built !== null && built >= sources) return;
  console.log(`e2e: renderer/dist is ${built === null ? 'missing' : 'older than renderer/src'}: npx vite build`);
  execFileSync('npx', ['vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
}
