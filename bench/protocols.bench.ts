/**
 * SSH and HTTP through the gateway against the same work direct, in one run: SSH bulk output (`cat`
 * of a large file), interactive echo latency in a PTY, and HTTP requests per second through the
 * connector. The gateway runs in its own process, as in production: in this one it would share the event loop
 * with the benchmark's clients and make them look slower than they are.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ClientChannel } from 'ssh2';
import { startSshd } from '../proxy-core/test/support/sshd';
import { startGatewayProcess } from './gateway-process';
import type { BenchResult } from './run';

const FILE_BYTES = Number(process.env.BENCH_SSH_BYTES ?? 200 * 1024 * 1024);

export async function benchProtocols(): Promise<BenchResult[]> {
  const sshd = await startSshd();
  const api: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true,"items":[1,2,3]}');
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const apiPort = (api.address() as { port: number }).port;
  const policy = {
    name: 'bench-protocols',
    rules: [
      { match: { programs: ['*'] }, action: 'allow' },
      { match: { methods: ['GET'] }, action: 'allow' },
    ],
  };
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-protocols-'));
  const gateway = await startGatewayProcess({
    dir,
    connections: [
      {
        name: 'host',
        type: 'ssh',
        upstream: {
          host: sshd.host,
          port: sshd.port,
          user: sshd.user,
          privateKeyFile: sshd.clientKeyFile,
          hostKey: sshd.hostKey,
        },
        policy: 'bench-protocols',
      },
      { name: 'api', type: 'http', upstream: { url: `http://127.0.0.1:${apiPort}` }, policy: 'bench-protocols' },
    ],
    policies: [policy],
  });
  try {
    const file = join(sshd.dir, 'big.bin');
    writeFileSync(file, randomBytes(FILE_BYTES));
    const { token } = gateway;
    const direct = {
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      privateKey: readFileSync(sshd.clientKeyFile),
    };
    const via = { host: '127.0.0.1', port: gateway.sshPort, username: 'host', password: token };
    const results: BenchResult[] = [];

    const d = await sshThroughput(direct, `cat ${file}`);
    const v = await sshThroughput(via, `cat ${file}`);
    results.push({ name: `SSH cat of ${FILE_BYTES >> 20} MiB (incompressible) direct`, value: d, unit: 'MB/s' });
    results.push({
      name: 'SSH cat through Vigil (recorded, detectors on)',
      value: v,
      unit: 'MB/s',
      ratio: v / d,
      against: 'direct',
    });

    const ed = await echoLatency(direct);
    const ev = await echoLatency(via);
    results.push({ name: 'SSH PTY echo round trip direct', value: ed, unit: 'ms median' });
    results.push({
      name: 'SSH PTY echo round trip through Vigil',
      value: ev,
      unit: 'ms median',
      ratio: ev / ed,
      against: 'direct',
    });

    const httpDirect = await requestsPerSecond(`http://127.0.0.1:${apiPort}/items`, {});
    const httpVia = await requestsPerSecond(`http://127.0.0.1:${gateway.httpPort}/c/api/items`, {
      authorization: `Bearer ${token}`,
    });
    results.push({ name: 'HTTP GET, 8 concurrent, direct', value: httpDirect, unit: 'req/s' });
    results.push({
      name: 'HTTP GET through the connector',
      value: httpVia,
      unit: 'req/s',
      ratio: httpVia / httpDirect,
      against: 'direct',
    });
    return results;
  } finally {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
    await sshd.stop();
    await new Promise((r) => api.close(r));
  }
}

type SshTarget = { host: string; port: number; username: string; password?: string; privateKey?: Buffer };

function connectSsh(t: SshTarget): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => resolve(c));
    c.on('error', reject);
    c.connect({ ...t, hostVerifier: () => true, readyTimeout: 20_000 });
  });
}

async function sshThroughput(t: SshTarget, command: string): Promise<number> {
  const c = await connectSsh(t);
  try {
    const start = performance.now();
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      c.exec(command, (err, stream: ClientChannel) => {
        if (err) return reject(err);
        stream.on('data', (d: Buffer) => {
          bytes += d.length;
        });
        stream.stderr.on('data', () => {});
        stream.on('close', () => resolve());
      });
    });
    const secs = (performance.now() - start) / 1000;
    if (bytes < FILE_BYTES) throw new Error(`ssh cat returned ${bytes} of ${FILE_BYTES} bytes`);
    return bytes / 1e6 / secs;
  } finally {
    c.end();
  }
}

/** Median time from a keystroke to its echo in a PTY shell, over 100 keystrokes. */
async function echoLatency(t: SshTarget): Promise<number> {
  const c = await connectSsh(t);
  try {
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      c.shell({ term: 'xterm', cols: 80, rows: 24 }, (err, s) => (err ? reject(err) : resolve(s))),
    );
    let seen = '';
    stream.on('data', (d: Buffer) => {
      seen += d.toString('latin1');
    });
    await new Promise((r) => setTimeout(r, 500)); // the prompt
    const samples: number[] = [];
    for (let i = 0; i < 100; i++) {
      const ch = String.fromCharCode(97 + (i % 26));
      seen = '';
      const t0 = performance.now();
      stream.write(ch);
      while (!seen.includes(ch)) await new Promise((r) => setImmediate(r));
      samples.push(performance.now() - t0);
    }
    stream.write('\u0015exit\r');
    samples.sort((a, b) => a - b);
    return samples[50] ?? Number.NaN;
  } finally {
    c.end();
  }
}

async function requestsPerSecond(url: string, headers: Record<string, string>): Promise<number> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8) / 2;
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < end) {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
        done++;
      }
    }),
  );
  return done / seconds;
}
