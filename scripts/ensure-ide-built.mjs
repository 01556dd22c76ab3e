// Builds the IDE (renderer/dist) when it is missing or older than its sources, so `npm start`
// serves the current IDE on a fresh clone without a separate build step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const built = join(root, 'renderer/dist/index.html');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  newest(join(root, 'renderer/src')),
  statSync(join(root, 'renderer/index.html')).mtimeMs,
  newest(join(root, 'recordings/src')),
);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  process.stderr.write('Building the IDE (renderer/dist)…\n');
  const res = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
      // A production build even when called from a test runner (vitest sets NODE_ENV=test).
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (res.status !== 0) process.exit(res.status ?? 1);
}
