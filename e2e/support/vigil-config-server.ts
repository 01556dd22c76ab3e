import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths';
import { freePort, stopProcess, waitForOutput } from './vigil-server';

/** A running `vigil serve --config vigil.yaml` with the development issuer: its addresses and data directory. */
export interface ConfiguredVigil {
  apiUrl: string;
  /** `host:port` of `listen.ssh` / `listen.http`. */
  ssh: string;
  http: string;
  dataDir: string;
  pid: number;
  /** A development-issuer token, minted as a person would: `vigil token --dev --data-dir DIR --sub --groups`. */
  token(sub: string, groups: string[]): Promise<string>;
  logs(): string;
  stop(): Promise<void>;
}

export interface ConfiguredVigilOptions {
  connections: unknown[];
  policies: unknown[];
  /** Environment of the gateway (the secrets `*Env` fields name). */
  env?: Record<string, string>;
}

const VIGIL = join(REPO_ROOT, 'proxy-core/bin/vigil.js');
const READY_LINE = /Vigil is listening: .*API (http:\/\/\S+)/;

/**
 * Writes a vigil.yaml (JSON is YAML) with `auth.issuer: dev`, every listener on a free loopback port, and the given
 * connections and policies; starts the gateway on it and waits until the API answers.
 */
export async function startConfiguredVigil(opts: ConfiguredVigilOptions): Promise<ConfiguredVigil> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-e2e-config-'));
  const [api, postgres, ssh, http] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const listen = {
    api: `127.0.0.1:${api}`,
    postgres: `127.0.0.1:${postgres}`,
    ssh: `127.0.0.1:${ssh}`,
    http: `127.0.0.1:${http}`,
  };
  const config = {
    listen,
    dataDir,
    auth: {
      issuer: 'dev',
      audience: 'vigil',
      roles: { admin: ['vigil-admins'], approver: ['dba'], auditor: ['security'], agent: ['ai-agents'] },
    },
    connections: opts.connections,
    policies: opts.policies,
  };
  const configFile = join(dataDir, 'vigil.yaml');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, [VIGIL, 'serve', '--config', configFile], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
  let output = '';
  const collect = (chunk: string) => {
    output += chunk;
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  const pid = child.pid;
  if (pid === undefined) throw new Error('vigil serve did not start');
  const stop = async () => {
    await stopProcess(child, pid);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForOutput(
      child,
      () => READY_LINE.exec(output),
      () => output,
      'its ready line',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl: `http://${listen.api}`,
    ssh: listen.ssh,
    http: listen.http,
    dataDir,
    pid,
    async token(sub, groups) {
      const args = [VIGIL, 'token', '--dev', '--data-dir', dataDir, '--sub', sub, '--groups', groups.join(',')];
      const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT });
      return stdout.trim();
    },
    logs: () => output,
    stop,
  };
}
