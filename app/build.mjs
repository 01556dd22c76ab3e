// Bundles the Electron entry points, which cannot load TypeScript at run time:
//   src/electron-main/main.ts    → dist/main.js      (ES module: Electron's main process loads ESM)
//   src/electron-main/preload.ts → dist/preload.cjs  (CommonJS: a sandboxed preload cannot be ESM)
// Our own TypeScript (app, proxy-core, recordings) is bundled in. Every npm package stays external and is
// loaded from node_modules at run time, as under `vigil serve`: the native addons (better-sqlite3,
// zstd-napi) must be rebuilt for Electron's ABI, and libpg-query and PGlite read their .wasm / .data files
// next to their own modules. `electron` itself is provided by the runtime.
//
// Usage: node app/build.mjs [--outdir DIR]   (default app/dist)
import { rmSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Bare specifiers (npm packages, `node:` built-ins) stay imports; workspace packages (TypeScript) are bundled. */
const packagesExternal = {
  name: 'packages-external',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('.') || isAbsolute(args.path)) return undefined;
      if (args.path.startsWith('@vigil/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const common = {
  bundle: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  // Keeps class and function names in stack traces and logs.
  keepNames: true,
};

/**
 * Bundles entry points for Node / Electron's main process the way main.js is bundled (the tests use it to
 * run the bundled gateway under plain Node).
 * @param {Record<string, string>} entryPoints
 * @param {string} outdir
 */
export async function bundleForNode(entryPoints, outdir) {
  const result = await build({
    ...common,
    entryPoints,
    outdir,
    format: 'esm',
    platform: 'node',
    // Electron 41's Node is newer; this is the floor the bundle is allowed to assume.
    target: 'node20',
    plugins: [packagesExternal],
  });
  return result.metafile;
}

/** @param {{ outdir: string }} opts */
export async function bundleApp({ outdir }) {
  rmSync(outdir, { recursive: true, force: true });
  const main = await bundleForNode({ main: join(here, 'src/electron-main/main.ts') }, outdir);
  const preload = await build({
    ...common,
    entryPoints: { preload: join(here, 'src/electron-main/preload.ts') },
    outdir,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
  });
  return { main, preload: preload.metafile };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  const outdir = resolve(values.outdir ?? join(here, 'dist'));
  const meta = await bundleApp({ outdir });
  for (const [name, m] of Object.entries(meta)) {
    for (const [file, out] of Object.entries(m.outputs)) {
      if (!file.endsWith('.map')) process.stdout.write(`${name}: ${file} ${(out.bytes / 1024).toFixed(0)} KiB\n`);
    }
  }
}
