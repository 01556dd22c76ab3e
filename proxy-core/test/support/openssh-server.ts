import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './pg-cluster';

/**
 * A real OpenSSH server as the target of an `ssh` connection: Debian's sshd in the foreground on a free
 * port, with its own config, host key and authorized key; stopped by PID. Used by the gateway's SSH tests
 * and by the browser tests.
 */
export interface TestSshd {
  host: string;
  port: number;
  /** The login user on the target: the tests run as root. */
  user: string;
  /** `ssh-ed25519 AAAA…` of the target's host key, pinned in vigil.yaml. */
  hostKey: string;
  /** The private key Vigil logs in with (authorized on the target). */
  clientKeyFile: string;
  /** Where its keys and config live (removed by stop). */
  dir: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/** A new ed25519 key pair at `path` (no passphrase); returns the public key line. */
export function keygen(path: string, comment: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

/** `/usr/sbin/sshd -D -e -f CONFIG` (foreground, log to stderr), stopped by PID. */
export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sshd-'));
  const port = await freePort();
  const hostPub = keygen(join(dir, 'host_ed25519'), 'test-sshd');
  writeFileSync(join(dir, 'authorized_keys'), `${keygen(join(dir, 'vigil_upstream'), 'vigil')}\n`, { mode: 0o600 });
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'Subsystem sftp internal-sftp',
    'AcceptEnv LANG LC_*',
    'PrintMotd no',
    'PrintLastLog no',
    'LogLevel ERROR',
  ];
  writeFileSync(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  // sshd's privilege separation directory; Debian creates it at boot, a container may not have it.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForBanner(port, () => (child.exitCode !== null ? `sshd exited (${child.exitCode}): ${stderr}` : null));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'root',
    hostKey: hostPub.split(' ').slice(0, 2).join(' '),
    clientKeyFile: join(dir, 'vigil_upstream'),
    dir,
    stop,
  };
}

/** sshd answers with its `SSH-2.0-…` banner once it listens. */
async function waitForBanner(port: number, failed: () => string | null): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    const banner = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('SSH-'));
      });
      socket.once('error', () => resolve(false));
    });
    if (banner) return;
    if (Date.now() > deadline) throw new Error(`sshd did not answer on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
