import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/** A running `vigil serve --demo`, seen from outside: its addresses, the agent token it printed, its PID. */
export interface VigilServer {
  /** `http://127.0.0.1:<port>`: the control API and the IDE. */
  apiUrl: string;
  pgHost: string;
  pgPort: number;
  /** The agent token printed by `--demo` (the PGPASSWORD of the printed psql line). */
  agentToken: string;
  pid: number;
  /** Everything the gateway wrote so far (stdout and stderr), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const TOKEN_LINE = /PGPASSWORD='([^']+)'\s+psql\s+"host=(\S+) port=(\d+)/;

/** A port free right now (the gateway binds it a moment later; loopback ports are not contended here). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts the demo gateway with its own data directory and ports; resolves once it printed the agent token. */
export async function startVigil(): Promise<VigilServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-e2e-'));
  const [apiPort, pgPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'proxy-core/bin/vigil.js'),
      'serve',
      '--demo',
      '--data-dir',
      dataDir,
      '--api',
      `127.0.0.1:${apiPort}`,
      '--postgres',
      `127.0.0.1:${pgPort}`,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('vigil serve did not start');

  const stop = async () => {
    await stopProcess(child, pid);
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const match = await waitForOutput(
      child,
      () => TOKEN_LINE.exec(output),
      () => output,
    );
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(apiUrl);
    return {
      apiUrl,
      pgHost: match[2] ?? '127.0.0.1',
      pgPort: Number(match[3]),
      agentToken: match[1] ?? '',
      pid,
      logs: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves with the first match of `find` in the gateway's output; rejects if it exits or takes too long. */
export function waitForOutput(
  child: ChildProcess,
  find: () => RegExpExecArray | null,
  logs: () => string,
  what = 'the agent token',
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = find();
      if (!match) return;
      done();
      resolve(match);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`vigil serve exited (${code}) before printing ${what}:\n${logs()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`vigil serve printed no ${what} within ${START_TIMEOUT_MS} ms:\n${logs()}`));
    }, START_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/** The token line is printed once both listeners are up; one request confirms the API answers. */
async function waitForHttp(apiUrl: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${apiUrl}/api/me`);
      await res.body?.cancel();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** SIGTERM (the gateway seals its recordings), SIGKILL if it has not exited in time. */
export async function stopProcess(child: ChildProcess, pid: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(pid, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    process.kill(pid, 'SIGKILL');
    await exited;
  }
}
