import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { configSchema, type VigilConfig } from '../../src/config/config';
import { type Gateway, startGateway } from '../../src/gateway';
import { createLogger, type Logger } from '../../src/logger';
import { serializeCancelRequest } from '../../src/protocols/postgres/codec';
import { startTestIdp, type TestIdp } from './oidc-provider';
import { freePort, type PgCluster, startPgCluster } from './pg-cluster';

/** A TCP listener that only counts connections: proof that nothing reached an upstream. */
export interface Canary {
  port: number;
  connections: number;
  close(): Promise<void>;
}

export async function startCanary(): Promise<Canary> {
  const sockets = new Set<import('node:net').Socket>();
  const canary = { port: 0, connections: 0, close: async () => {} };
  const server: Server = createServer((s) => {
    canary.connections++;
    sockets.add(s);
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  canary.port = (server.address() as { port: number }).port;
  canary.close = () =>
    new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return canary;
}

export interface Harness {
  cluster: PgCluster;
  idp: TestIdp;
  gateway: Gateway;
  canary: Canary;
  host: string;
  port: number;
  dataDir: string;
  logs: string[];
  agentToken(): Promise<string>;
  client(opts?: { connection?: string; password?: string; ssl?: boolean }): Promise<pg.Client>;
  config: VigilConfig;
  stop(): Promise<void>;
}

const ALLOW_ALL = {
  name: 'allow-all',
  rules: [
    { match: { statements: ['*'] }, action: 'allow' },
    { match: { functions: ['*'] }, action: 'allow' },
    { match: { unparsed: true }, action: 'allow' },
  ],
};

/**
 * A gateway in-process against a real PostgreSQL cluster (with TLS) and a real OIDC provider, with one
 * connection per upstream authentication method, plus connections whose upstream is down, rejects
 * the stored credential, or is a canary.
 */
export async function startHarness(
  opts: {
    extraConfig?: Record<string, unknown>;
    policies?: unknown[];
    connectionPolicy?: string;
    /** More connections (e.g. http or ssh) and the environment their secrets come from. */
    extraConnections?: unknown[];
    /** More postgres connections to the cluster (as its scram role), with extra upstream settings and a policy. */
    extraPostgres?: Array<{ name: string; upstream?: Record<string, unknown>; policy?: string }>;
    env?: Record<string, string>;
    listen?: { http?: string; ssh?: string };
  } = {},
): Promise<Harness> {
  const cluster = await startPgCluster({ ssl: true, database: 'shop' });
  const idp = await startTestIdp();
  const canary = await startCanary();
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-gw-'));
  const deadPort = await freePort();
  const logs: string[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (l) => logs.push(l) });
  const policy = opts.connectionPolicy ?? 'allow-all';
  const upstream = (user: string, extra: Record<string, unknown> = {}) => ({
    host: cluster.host,
    port: cluster.port,
    database: 'shop',
    user,
    passwordEnv: 'UPSTREAM_PASSWORD',
    tls: 'disable',
    ...extra,
  });
  const raw = {
    listen: { api: '127.0.0.1:0', postgres: '127.0.0.1:0', ...opts.listen },
    dataDir,
    auth: {
      issuer: idp.issuer,
      audience: idp.audience,
      roles: { admin: ['vigil-admins'], agent: ['ai-agents'], approver: ['dba'], auditor: ['security'] },
    },
    connections: [
      { name: 'shop', type: 'postgres', upstream: upstream(cluster.roles.scram), policy },
      { name: 'shop-md5', type: 'postgres', upstream: upstream(cluster.roles.md5), policy },
      { name: 'shop-plain', type: 'postgres', upstream: upstream(cluster.roles.plain), policy },
      {
        name: 'shop-trust',
        type: 'postgres',
        upstream: upstream(cluster.roles.trust, { passwordEnv: undefined }),
        policy,
      },
      { name: 'shop-tls', type: 'postgres', upstream: upstream(cluster.roles.scram, { tls: 'require' }), policy },
      {
        name: 'shop-down',
        type: 'postgres',
        upstream: { ...upstream(cluster.roles.scram), port: deadPort, connectTimeoutMs: 2000 },
        policy,
      },
      {
        name: 'shop-badcred',
        type: 'postgres',
        upstream: upstream(cluster.roles.scram, { passwordEnv: 'WRONG_PASSWORD' }),
        policy,
      },
      { name: 'canary', type: 'postgres', upstream: { ...upstream('nobody'), port: canary.port }, policy },
      ...(opts.extraPostgres ?? []).map((c) => ({
        name: c.name,
        type: 'postgres',
        upstream: upstream(cluster.roles.scram, c.upstream),
        policy: c.policy ?? policy,
      })),
      ...(opts.extraConnections ?? []),
    ],
    policies: [ALLOW_ALL, ...(opts.policies ?? [])],
    ...opts.extraConfig,
  };
  let config: VigilConfig;
  let gateway: Gateway;
  try {
    config = configSchema.parse(raw);
    gateway = await startGateway({
      config,
      logger,
      env: { UPSTREAM_PASSWORD: cluster.password, WRONG_PASSWORD: 'not-the-password', ...opts.env },
    });
  } catch (err) {
    // A bad config or a gateway that does not start: the peers started for it stop too (no cluster left running).
    await canary.close();
    await idp.close();
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const { host, port } = gateway.postgres.address;
  const agentToken = () => idp.tokenFor('agent-1');
  return {
    cluster,
    idp,
    gateway,
    canary,
    host,
    port,
    dataDir,
    logs,
    config,
    agentToken,
    async client(o = {}) {
      const c = new pg.Client({
        host,
        port,
        database: o.connection ?? 'shop',
        user: 'agent-1',
        password: o.password ?? (await agentToken()),
        ssl: o.ssl ? { rejectUnauthorized: false } : false,
      });
      await c.connect();
      return c;
    },
    async stop() {
      await gateway.close();
      await canary.close();
      await idp.close();
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sends `bytes` on a new connection to the gateway and returns all it answers before closing. */
export function exchange(h: Pick<Harness, 'host' | 'port'>, bytes: Uint8Array, end = false): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: h.host, port: h.port }, () => (end ? s.end(bytes) : s.write(bytes)));
    s.on('data', (d) => chunks.push(d));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

/** What libpq and node-postgres do to cancel: a CancelRequest with the key `client` was given, on a new connection. */
export async function cancelQueryOf(h: Pick<Harness, 'host' | 'port'>, client: pg.Client): Promise<void> {
  const { processID, secretKey } = client as unknown as { processID: number; secretKey: number };
  await exchange(h, serializeCancelRequest(processID, secretKey), true);
}

/** Waits until the upstream runs `sql` (pg_stat_activity): a cancel sent before that would find nothing to stop. */
export async function runningUpstream(h: Pick<Harness, 'cluster'>, sql: string): Promise<void> {
  await eventually(async () => {
    const r = await h.cluster.query("SELECT 1 FROM pg_stat_activity WHERE query = $1 AND state = 'active'", [sql]);
    return r.rowCount !== null && r.rowCount > 0;
  });
}

/**
 * Runs `COPY … TO STDOUT` and gives what arrived. `received` collects the chunks as they come, so a caller
 * can look at what reached the client before an error.
 */
export async function copyOut(client: pg.Client, sql: string, received: Buffer[] = []): Promise<Buffer> {
  await pipeline(
    client.query(copyTo(sql)),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(received);
}

/** Waits until `predicate` holds (sessions end asynchronously after a socket closes). */
export async function eventually<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
