import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freeLoopbackPort } from '../../src/demo/free-port';
import { writeSelfSignedCert } from '../../src/net/self-signed-cert';

/**
 * A throwaway PostgreSQL cluster built from the machine's initdb/pg_ctl, for integration tests.
 * Roles exist for each upstream authentication method the gateway must speak.
 * PostgreSQL refuses to run as root, so as root everything runs as the `postgres` user.
 */
export interface PgCluster {
  host: string;
  port: number;
  dir: string;
  /** Password of every non-trust role below. */
  password: string;
  roles: { scram: string; md5: string; plain: string; trust: string };
  admin(): Promise<pg.Client>;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<T>>;
  stop(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

/** PostgreSQL server binaries: on PATH, else where Debian installs them. */
function binary(cmd: string): string {
  if (spawnSync('which', [cmd]).status === 0) return cmd;
  const found = spawnSync('sh', ['-c', `ls /usr/lib/postgresql/*/bin/${cmd} 2>/dev/null | sort -V | tail -n 1`], {
    encoding: 'utf8',
  }).stdout.trim();
  return found || cmd;
}

function run(cmd: string, args: string[]): string {
  const full = asRoot ? ['runuser', '-u', 'postgres', '--', binary(cmd), ...args] : [binary(cmd), ...args];
  const res = spawnSync(full[0] as string, full.slice(1), { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${cmd} failed (${res.status}): ${res.stderr || res.stdout}`);
  return res.stdout;
}

/** A free loopback port (the same helper the demo uses). */
export const freePort = freeLoopbackPort;

export async function startPgCluster(opts: { ssl?: boolean; database?: string } = {}): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pg-'));
  chmodSync(dir, 0o755);
  if (asRoot) chownSync(dir, uid('postgres'), gid('postgres'));
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const password = 'upstream-secret-42';
  const roles = { scram: 'vigil_scram', md5: 'vigil_md5', plain: 'vigil_plain', trust: 'vigil_trust' };
  writeFileSync(
    join(data, 'pg_hba.conf'),
    [
      'local all all trust',
      `host all ${roles.md5} 127.0.0.1/32 md5`,
      `host all ${roles.plain} 127.0.0.1/32 password`,
      `host all ${roles.trust} 127.0.0.1/32 trust`,
      'host all postgres 127.0.0.1/32 trust',
      'host all all 127.0.0.1/32 scram-sha-256',
      '',
    ].join('\n'),
  );
  const settings = ['-c listen_addresses=127.0.0.1', `-k ${dir}`, '-c fsync=off', '-c max_connections=600'];
  if (opts.ssl) {
    writeSelfSignedCert({
      keyPath: join(data, 'server.key'),
      certPath: join(data, 'server.crt'),
      names: ['IP:127.0.0.1'],
      days: 2,
    });
    chmodSync(join(data, 'server.key'), 0o600);
    if (asRoot) {
      chownSync(join(data, 'server.key'), uid('postgres'), gid('postgres'));
      chownSync(join(data, 'server.crt'), uid('postgres'), gid('postgres'));
    }
    settings.push('-c ssl=on');
  }
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} ${settings.join(' ')}`, 'start']);
  const host = '127.0.0.1';
  const connect = async (database = 'postgres') => {
    const c = new pg.Client({ host, port, user: 'postgres', database });
    await c.connect();
    return c;
  };
  const boot = await connect();
  try {
    await boot.query(`CREATE ROLE ${roles.scram} LOGIN SUPERUSER PASSWORD '${password}'`);
    await boot.query(`CREATE ROLE ${roles.plain} LOGIN SUPERUSER PASSWORD '${password}'`);
    await boot.query(`CREATE ROLE ${roles.trust} LOGIN SUPERUSER`);
    await boot.query(`SET password_encryption = 'md5'`);
    await boot.query(`CREATE ROLE ${roles.md5} LOGIN SUPERUSER PASSWORD '${password}'`);
    if (opts.database) await boot.query(`CREATE DATABASE ${opts.database}`);
  } finally {
    await boot.end();
  }
  return {
    host,
    port,
    dir,
    password,
    roles,
    admin: () => connect(opts.database),
    async query(sql, params) {
      const c = await connect(opts.database);
      try {
        return await c.query(sql, params);
      } finally {
        await c.end();
      }
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}
function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
