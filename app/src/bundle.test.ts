import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The bundle itself is never run here (its first import is Electron, whose binary is not on this machine);
// these tests check what it imports, and run the same bundling of the gateway under plain Node.

interface Metafile {
  outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }> }>;
}
interface Started {
  url: string;
  rows: Array<{ n: number }>;
  sessions: Array<{ status: string; principal: string; chunks: number }>;
}
interface BuildModule {
  bundleApp(opts: { outdir: string }): Promise<{ main: Metafile; preload: Metafile }>;
  bundleForNode(entryPoints: Record<string, string>, outdir: string): Promise<Metafile>;
}

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const rootDir = dirname(appDir);
const load = async () => (await import(pathToFileURL(join(appDir, 'build.mjs')).href)) as BuildModule;

function externals(meta: Metafile): string[] {
  const found = new Set<string>();
  for (const out of Object.values(meta.outputs))
    for (const i of out.imports) if (i.external && i.kind !== 'dynamic-import') found.add(i.path);
  return [...found].sort();
}

/** The npm packages the gateway depends on at run time (what the packaged node_modules must hold). */
function runtimeDependencies(): Set<string> {
  const names = new Set<string>();
  for (const pkg of ['proxy-core', 'recordings']) {
    const json = JSON.parse(readFileSync(join(rootDir, pkg, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(json.dependencies ?? {})) names.add(name);
  }
  return names;
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string);

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('app/build.mjs', () => {
  it('bundles main (ESM) and the preload (CommonJS) with only Electron, Node and npm packages left as imports', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'vigil-app-dist-'));
    cleanup.push(outdir);
    const meta = await (await load()).bundleApp({ outdir });

    const mainJs = readFileSync(join(outdir, 'main.js'), 'utf8');
    expect(mainJs).toMatch(/^import .* from "electron";$/m);
    const deps = runtimeDependencies();
    for (const specifier of externals(meta.main)) {
      if (specifier === 'electron' || specifier.startsWith('node:')) continue;
      // Anything else must ship in node_modules, i.e. be a runtime dependency of proxy-core or recordings.
      expect(deps, `${specifier} is imported by main.js`).toContain(packageOf(specifier));
    }
    expect(externals(meta.main).some((s) => s.startsWith('@vigil/'))).toBe(false);

    const preload = readFileSync(join(outdir, 'preload.cjs'), 'utf8');
    expect(externals(meta.preload)).toEqual(['electron']);
    expect(preload).not.toMatch(/^import /m);
    expect(preload).toContain('require("electron")');
  }, 60_000);

  it('bundles the hosted gateway so that it runs: API, IDE files and a clean stop', async () => {
    // Two levels below the repository root, like app/dist/main.js, so the IDE's files resolve the same way.
    const outdir = mkdtempSync(join(appDir, '.bundle-test-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-app-bundle-'));
    cleanup.push(outdir, dataDir);
    const entry = join(outdir, 'entry.ts');
    writeFileSync(
      entry,
      `import { startHostedGateway } from ${JSON.stringify(join(appDir, 'src/gateway-host'))};
import { silentLogger } from ${JSON.stringify(join(rootDir, 'proxy-core/src/logger'))};
import pg from 'pg';
const hosted = await startHostedGateway({ demo: true, dataDir: process.argv[2] as string, logger: silentLogger });
// A recorded session through the bundle: its chunks compress on the gateway's worker thread.
const { gateway } = hosted;
const token = await gateway.devIssuer!.mint({ sub: 'agent-demo', groups: ['ai-agents'], ttlSec: 600 });
const { host, port } = gateway.postgres.address;
const client = new pg.Client({ host, port, user: 'agent-demo', password: token, database: 'demo' });
await client.connect();
const rows = (await client.query('SELECT count(*)::int AS n FROM customers')).rows;
await client.end();
const sessions = () => gateway.store.listSessions({ limit: 10 }).sessions;
for (let i = 0; i < 100 && sessions().some((s) => s.status === 'live'); i++) await new Promise((r) => setTimeout(r, 50));
process.stdout.write(JSON.stringify({ url: hosted.url, rows, sessions: sessions() }) + '\\n');
process.once('SIGTERM', () => void hosted.stop().then(() => process.exit(0)));
`,
    );
    await (await load()).bundleForNode({ entry }, outdir);

    const child = spawn(process.execPath, [join(outdir, 'entry.js'), dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const started = await new Promise<Started>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) resolve(JSON.parse(line) as Started);
      });
      void exited.then((code) => reject(new Error(`bundle exited with ${code}: ${stderr}`)));
    });
    const { url } = started;
    try {
      expect(started.rows[0]?.n).toBeGreaterThan(0);
      expect(started.sessions).toHaveLength(1);
      expect(started.sessions[0]).toMatchObject({ status: 'ended', principal: 'agent-demo' });
      expect(started.sessions[0]?.chunks).toBeGreaterThan(0);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const index = await fetch(`${url}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 120_000);
});
