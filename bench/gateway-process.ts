import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevIssuer } from '../proxy-core/src/identity/dev-issuer';
import { freePort } from '../proxy-core/test/support/pg-cluster';

export interface GatewayProcess {
  child: ChildProcess;
  pgPort: number;
  sshPort: number;
  httpPort: number;
  /** An agent token from the gateway's development issuer. */
  token: string;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * `vigil serve` in its own process, as in production, so the benchmark's clients and the gateway do not share an
 * event loop: `connections`, `policies` and `env` are the parts of vigil.yaml a benchmark varies; listeners (all on
 * free loopback ports), the data directory under `dir` and the development issuer are filled in.
 */
export async function startGatewayProcess(opts: {
  dir: string;
  connections: unknown[];
  policies: unknown[];
  env?: Record<string, string>;
  /** Node flags for the gateway, e.g. `--cpu-prof` to profile it under the benchmark's load. */
  nodeArgs?: string[];
}): Promise<GatewayProcess> {
  const [pgPort, apiPort, sshPort, httpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const dataDir = join(opts.dir, 'data');
  const config = {
    listen: {
      api: `127.0.0.1:${apiPort}`,
      postgres: `127.0.0.1:${pgPort}`,
      ssh: `127.0.0.1:${sshPort}`,
      http: `127.0.0.1:${httpPort}`,
    },
    dataDir,
    auth: { issuer: 'dev', audience: 'vigil', roles: { agent: ['ai-agents'] } },
    connections: opts.connections,
    policies: opts.policies,
  };
  // JSON is YAML: the config file is written as JSON.
  const configPath = join(opts.dir, 'vigil.yaml');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), 'proxy-core/bin/vigil.js', 'serve', '--config', configPath, '--log-level', 'warn'],
    {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stderr?.on('data', (d) => (log += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${log}`)), START_TIMEOUT_MS);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('Vigil is listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${log}`)));
  });
  const info = JSON.parse(readFileSync(join(dataDir, 'keys', 'dev-issuer.json'), 'utf8')) as {
    issuerUrl: string;
    audience: string;
  };
  const issuer = createDevIssuer({
    keysDir: join(dataDir, 'keys'),
    issuerUrl: info.issuerUrl,
    audience: info.audience,
  });
  const token = await issuer.mint({ sub: 'bench-agent', groups: ['ai-agents'], ttlSec: 3600 });
  return {
    child,
    pgPort,
    sshPort,
    httpPort,
    token,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
