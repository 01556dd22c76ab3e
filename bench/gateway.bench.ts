/**
 * The gateway end to end, against a real PostgreSQL cluster, with the gateway in its own process
 * (as in production) so client, proxy and server share the 2 cores as they would:
 * pgbench -S TPS direct vs through Vigil (recording on) vs pgbouncer (session mode, when installed),
 * bulk COPY/SELECT throughput, RSS per idle session, and recording size vs raw bytes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { silentLogger } from '../proxy-core/src/logger';
import { openSqliteStore } from '../proxy-core/src/store/sqlite-store';
import { freePort, type PgCluster, startPgCluster } from '../proxy-core/test/support/pg-cluster';
import { type GatewayProcess, startGatewayProcess } from './gateway-process';
import type { BenchResult } from './run';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

export async function benchGateway(): Promise<BenchResult[]> {
  const cluster = await startPgCluster({ database: 'shop' });
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  chmodSync(dir, 0o755);
  let gateway: GatewayProcess | undefined;
  let bouncer: { port: number; stop(): void } | undefined;
  let relay: { port: number; stop(): void } | undefined;
  try {
    pgbench(['-i', '-s', '10', '-q'], { host: cluster.host, port: cluster.port, user: 'postgres' });
    await cluster.query(
      "CREATE TABLE bulk AS SELECT g AS id, 'user' || g || '@example.com' AS email, md5(g::text) AS note FROM generate_series(1, 500000) g",
    );
    const started = await startGatewayProcess({
      dir,
      connections: benchConnections(cluster),
      policies: BENCH_POLICIES,
      env: { UPSTREAM_PASSWORD: cluster.password },
    });
    gateway = started;
    const viaVigil = { host: '127.0.0.1', port: started.pgPort, user: 'bench-agent', password: started.token };
    const direct = { host: cluster.host, port: cluster.port, user: 'postgres' };
    bouncer = startPgbouncer(cluster, dir);
    relay = await startBareRelay(cluster.port);
    const results: BenchResult[] = [];

    for (const mode of ['simple', 'prepared'] as const) {
      const args = ['-S', '-n', '-c', '8', '-j', '2', '-T', String(SECONDS), '-M', mode];
      const d = tps(pgbench(args, direct));
      const v = tps(pgbench(args, viaVigil));
      const r = tps(pgbench(args, { ...direct, port: relay.port }));
      results.push({ name: `pgbench -S -c 8 -j 2 (${mode}) direct`, value: d, unit: 'tps' });
      results.push({
        name: `pgbench -S (${mode}) bare Node TCP relay (no parsing, the ceiling)`,
        value: r,
        unit: 'tps',
        ratio: r / d,
        against: 'direct',
      });
      results.push({ name: `pgbench -S (${mode}) Vigil vs the bare Node relay`, value: v / r, unit: '×' });
      if (bouncer) {
        const b = tps(pgbench(args, { host: '127.0.0.1', port: bouncer.port, user: 'postgres' }));
        results.push({
          name: `pgbench -S (${mode}) pgbouncer session mode`,
          value: b,
          unit: 'tps',
          ratio: b / d,
          against: 'direct',
        });
        results.push({
          name: `pgbench -S (${mode}) Vigil, recording on`,
          value: v,
          unit: 'tps',
          ratio: v / b,
          against: 'pgbouncer',
          target: '≥ 0.85× pgbouncer',
        });
      } else {
        results.push({
          name: `pgbench -S (${mode}) Vigil, recording on`,
          value: v,
          unit: 'tps',
          ratio: v / d,
          against: 'direct (pgbouncer not installed)',
        });
      }
    }

    // pgbench's sessions have all ended: their recordings against the bytes they carried.
    await new Promise((r) => setTimeout(r, 1000));
    const size = recordingSizes(join(dir, 'data'));
    results.push({
      name: 'recording size vs raw bytes (pgbench sessions)',
      value: size.raw / size.file,
      unit: '× smaller',
      target: '≥ 5× on pgbench traffic',
    });

    // A realistic policy with masking on, against the same policy without masking.
    const masked = { ...viaVigil, database: 'shop-masked' };
    for (const mode of ['simple', 'prepared'] as const) {
      const args = ['-S', '-n', '-c', '8', '-j', '2', '-T', String(SECONDS), '-M', mode];
      const plain = tps(pgbench(args, viaVigil));
      const withMasking = tps(pgbench(args, masked));
      results.push({
        name: `pgbench -S (${mode}) Vigil, masking on`,
        value: withMasking,
        unit: 'tps',
        ratio: withMasking / plain,
        against: 'recording only',
      });
    }
    // Best of five each, alternating: client, gateway and server share two cores, and one run can lose a core.
    const bulkRuns = [0, 1, 2, 3, 4].map(() => ({
      plain: timedPsql('SELECT id, email, note FROM bulk', viaVigil),
      masked: timedPsql('SELECT id, email, note FROM bulk', masked),
    }));
    const best = (runs: Array<{ mbps: number }>) => runs.reduce((a, b) => (b.mbps > a.mbps ? b : a));
    const bulkPlain = best(bulkRuns.map((r) => r.plain));
    const bulkMasked = best(bulkRuns.map((r) => r.masked));
    results.push({
      name: 'SELECT 500k rows, email column masked (best of 5)',
      value: bulkMasked.mbps,
      unit: 'MB/s',
      ratio: bulkMasked.mbps / bulkPlain.mbps,
      against: 'same query unmasked',
      target: '≥ 0.8×',
    });

    // Bulk results, direct and through Vigil: the same 2M rows as COPY and as a SELECT.
    const rows = 'SELECT g, md5(g::text), g * 0.5 FROM generate_series(1, 2000000) g';
    for (const [name, sql] of [
      ['COPY 2M rows TO STDOUT', `COPY (${rows}) TO STDOUT`],
      ['SELECT 2M rows', rows],
    ] as const) {
      // Best of three each, alternating, as for the masked SELECT above.
      const runs = [0, 1, 2].map(() => ({ direct: timedPsql(sql, direct), vigil: timedPsql(sql, viaVigil) }));
      const viaDirect = best(runs.map((r) => r.direct));
      const throughVigil = best(runs.map((r) => r.vigil));
      results.push({ name: `${name} direct (best of 3)`, value: viaDirect.mbps, unit: 'MB/s' });
      results.push({
        name: `${name} Vigil (best of 3)`,
        value: throughVigil.mbps,
        unit: 'MB/s',
        ratio: throughVigil.mbps / viaDirect.mbps,
        against: 'direct',
        target: '≥ 0.8× direct',
      });
    }

    const rss = await idleSessionRss(started.child.pid as number, viaVigil, 500);
    results.push({
      name: 'gateway RSS per idle session (500 sessions)',
      value: rss / 1024,
      unit: 'KiB',
      target: '≤ 64 KiB',
    });

    // A new connection per transaction (pgbench -C), as agents without a connection pool do: session setup cost.
    // Last: the ~1000 short sessions it leaves behind would weigh on the measurements after it.
    {
      const args = ['-S', '-n', '-C', '-c', '8', '-j', '2', '-T', String(SECONDS)];
      const tpsOf = (out: string) => Number(/tps = ([\d.]+)/.exec(out)?.[1]);
      const d = tpsOf(pgbench(args, direct));
      const v = tpsOf(pgbench(args, viaVigil));
      results.push({ name: 'pgbench -S -C (a connection per transaction) direct', value: d, unit: 'tps' });
      if (bouncer) {
        const b = tpsOf(pgbench(args, { host: '127.0.0.1', port: bouncer.port, user: 'postgres' }));
        results.push({
          name: 'pgbench -S -C pgbouncer session mode (pooled upstream connections)',
          value: b,
          unit: 'tps',
        });
      }
      results.push({ name: 'pgbench -S -C Vigil', value: v, unit: 'tps', ratio: v / d, against: 'direct' });
      const p = tpsOf(pgbench(args, { ...viaVigil, database: 'shop-pooled' }));
      results.push({
        name: 'pgbench -S -C Vigil, upstream.pool on',
        value: p,
        unit: 'tps',
        ratio: p / d,
        against: 'direct',
      });
    }

    await gateway.stop();
    gateway = undefined;
    return results;
  } finally {
    relay?.stop();
    gateway?.child.kill('SIGKILL');
    bouncer?.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench's connections: recording only, with pooled upstreams, and with masking on. */
function benchConnections(cluster: PgCluster): unknown[] {
  const upstream = (extra: Record<string, unknown> = {}) => ({
    host: '127.0.0.1',
    port: cluster.port,
    database: 'shop',
    user: cluster.roles.scram,
    passwordEnv: 'UPSTREAM_PASSWORD',
    tls: 'disable',
    ...extra,
  });
  return [
    { name: 'shop', type: 'postgres', upstream: upstream(), policy: 'bench' },
    { name: 'shop-pooled', type: 'postgres', upstream: upstream({ pool: { maxIdle: 16 } }), policy: 'bench' },
    { name: 'shop-masked', type: 'postgres', upstream: upstream(), policy: 'bench-masked' },
  ];
}

const READS = {
  match: { statements: ['select', 'set', 'show', 'begin', 'commit', 'rollback', 'copy_to'] },
  action: 'allow',
};
const BENCH_POLICIES = [
  {
    name: 'bench-masked',
    rules: [READS],
    masking: {
      columns: ['bulk.email', 'pgbench_accounts.filler'],
      detectors: ['email', 'credit_card', 'us_ssn', 'iban', 'phone', 'aws_access_key', 'jwt', 'private_key'],
      style: 'partial',
    },
  },
  { name: 'bench', rules: [READS] },
];

type Target = { host: string; port: number; user: string; password?: string; database?: string };

function pgbench(args: string[], t: Target): string {
  const res = spawnSync('pgbench', [...args, '-h', t.host, '-p', String(t.port), '-U', t.user, t.database ?? 'shop'], {
    encoding: 'utf8',
    env: { ...process.env, PGPASSWORD: t.password ?? '', PGSSLMODE: 'disable' },
  });
  if (res.status !== 0) throw new Error(`pgbench failed: ${res.stderr}${res.stdout}`);
  return res.stdout + res.stderr;
}

function tps(out: string): number {
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
  if (!m) throw new Error(`no tps in pgbench output: ${out}`);
  return Number(m[1]);
}

function timedPsql(sql: string, t: Target): { mbps: number; bytes: number } {
  const start = process.hrtime.bigint();
  const res = spawnSync(
    'psql',
    [
      `host=${t.host} port=${t.port} dbname=${t.database ?? 'shop'} user=${t.user} sslmode=disable`,
      '-X',
      '-A',
      '-t',
      '-c',
      sql,
    ],
    {
      env: { ...process.env, PGPASSWORD: t.password ?? '' },
      maxBuffer: 1 << 30,
    },
  );
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
  return { mbps: res.stdout.length / 1e6 / secs, bytes: res.stdout.length };
}

async function idleSessionRss(pid: number, t: Target, n: number): Promise<number> {
  const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  const clients: pg.Client[] = [];
  // Warm up code paths (JIT, buffers) with a few sessions before the baseline.
  for (let i = 0; i < 10; i++) {
    const c = new pg.Client({ host: t.host, port: t.port, user: t.user, password: t.password, database: 'shop' });
    await c.connect();
    clients.push(c);
  }
  await new Promise((r) => setTimeout(r, 500));
  const before = rss();
  for (let i = 0; i < n; i++) {
    const c = new pg.Client({ host: t.host, port: t.port, user: t.user, password: t.password, database: 'shop' });
    await c.connect();
    clients.push(c);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const after = rss();
  await Promise.all(clients.map((c) => c.end()));
  return (after - before) / n;
}

function recordingSizes(dataDir: string): { raw: number; file: number } {
  const store = openSqliteStore({ path: join(dataDir, 'vigil.db'), logger: silentLogger });
  try {
    let raw = 0;
    let file = 0;
    let cursor: string | undefined;
    do {
      const page = store.listSessions({ limit: 500, ...(cursor ? { cursor } : {}) });
      for (const s of page.sessions) {
        raw += s.bytesIn + s.bytesOut;
        file += statSync(s.recording).size;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return { raw, file };
  } finally {
    store.close();
  }
}

/**
 * The cheapest possible Node proxy, in its own process like the gateway: sockets piped both ways,
 * nothing parsed or recorded.
 */
async function startBareRelay(upstreamPort: number): Promise<{ port: number; stop(): void }> {
  const port = await freePort();
  const code = `const net=require('net');net.createServer(c=>{const u=net.connect(${upstreamPort},'127.0.0.1');c.setNoDelay(true);u.setNoDelay(true);c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());}).listen(${port},'127.0.0.1',()=>console.log('ready'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  return { port, stop: () => child.kill('SIGKILL') };
}

function startPgbouncer(cluster: PgCluster, dir: string): { port: number; stop(): void } | undefined {
  if (spawnSync('which', ['pgbouncer']).status !== 0) return undefined;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    ini,
    `[databases]\nshop = host=127.0.0.1 port=${cluster.port} dbname=shop user=postgres\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = ${port}\nauth_type = trust\nauth_file = ${join(dir, 'userlist.txt')}\npool_mode = session\nmax_client_conn = 1000\ndefault_pool_size = 20\nunix_socket_dir =\nlogfile = ${join(dir, 'pgbouncer.log')}\npidfile = ${join(dir, 'pgbouncer.pid')}\n`,
  );
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? ['runuser', '-u', 'postgres', '--', 'pgbouncer', '-d', ini] : ['pgbouncer', '-d', ini];
  spawnSync('chmod', ['-R', 'a+rwX', dir]);
  const res = spawnSync(cmd[0] as string, cmd.slice(1), { encoding: 'utf8' });
  if (res.status !== 0) return undefined;
  spawnSync('sleep', ['0.5']);
  return {
    port,
    stop() {
      try {
        const pid = Number(readFileSync(join(dir, 'pgbouncer.pid'), 'utf8'));
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    },
  };
}
