import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { type ApiServer, startApiServer } from './api/api-server';
import { ApprovalBroker } from './approvals/approval-broker';
import { AuditCheckpointer } from './audit/audit-checkpoint';
import { purgeExpiredRecordings } from './audit/retention-purge';
import { createAuditForwarders } from './audit/sinks/audit-sinks-config';
import {
  ConfigError,
  type ConnectionConfig,
  hostOf,
  type PostgresConnectionConfig,
  portOf,
  resolveSecret,
  type VigilConfig,
} from './config/config';
import { evidenceRoutes, vigilVersion } from './evidence';
import { createDevIssuer, type DevIssuer } from './identity/dev-issuer';
import type { Principal } from './identity/identity.types';
import { rolesForGroups } from './identity/principal';
import { createTokenVerifier } from './identity/token-verifier';
import type { Logger } from './logger';
import { compileMasking, initMasking, type MaskingCatalog } from './masking';
import { createChunkIndexQueue } from './pipeline/chunk-index-queue';
import { httpInterpreter } from './pipeline/http-interpreter';
import { openRecordedSession, type RecorderFactory } from './pipeline/open-recorded-session';
import { type CommandInterpreter, createPolicyGate } from './pipeline/policy-gate';
import type { RecordedSession } from './pipeline/recorded-session.types';
import { SessionHub } from './pipeline/session-events';
import { createSqlInterpreter } from './pipeline/sql-interpreter';
import { type CompiledPolicy, compilePolicy, createClassificationCache, initSqlClassifier } from './policy';
import { detectorTextMasker, type HttpListener, startHttpListener } from './protocols/http';
import { httpConnectionFromConfig } from './protocols/http/http-connections';
import { CancelRegistry } from './protocols/postgres/cancel-registry';
import { type PgListener, startPgListener } from './protocols/postgres/pg-listener';
import { PgResultMasker } from './protocols/postgres/pg-result-masker';
import { UpstreamCatalog } from './protocols/postgres/upstream-catalog';
import type { UpstreamTarget } from './protocols/postgres/upstream-connector';
import { createUpstreamPool, type UpstreamPool } from './protocols/postgres/upstream-pool';
import { detectorOutputMask } from './protocols/ssh/detector-output-mask';
import { loadOrCreateHostKey } from './protocols/ssh/host-keys';
import { shellInterpreter } from './protocols/ssh/shell-interpreter';
import { toSshConnection } from './protocols/ssh/ssh-config';
import { type SshListener, startSshListener } from './protocols/ssh/ssh-listener';
import { createChunkCompressor } from './recording/chunk-compressor';
import { sealInterruptedRecording } from './recording/recover';
import { createSessionRecorder } from './recording/session-recorder';
import { loadOrCreateSigningKey, type SigningKey } from './recording/signing-key';
import { createZstdCompressor } from './recording/zstd-compressor';
import { type DataDirLock, lockDataDir } from './store/data-dir-lock';
import { openSqliteStore } from './store/sqlite-store';
import type { Store } from './store/store.types';

export interface Gateway {
  config: VigilConfig;
  store: Store;
  hub: SessionHub;
  broker: ApprovalBroker;
  signingKey: SigningKey;
  devIssuer: DevIssuer | undefined;
  postgres: PgListener;
  /** Upstream PostgreSQL connections kept between sessions (connections with `upstream.pool`). */
  upstreamPool: UpstreamPool;
  http: HttpListener | undefined;
  ssh: SshListener | undefined;
  api: ApiServer;
  close(): Promise<void>;
}

export interface GatewayOptions {
  config: VigilConfig;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** The data directory's lock when the caller took it first (`--demo` does, before its database opens there). */
  dataDirLock?: DataDirLock;
}

/**
 * The composition root: builds every part from config and hands each its dependencies. Nothing
 * else in proxy-core constructs a store, a listener or a verifier.
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  // Before anything reads the store: recovery would take another gateway's live sessions for a crash's.
  const dataDirLock = opts.dataDirLock ?? lockDataDir(opts.config.dataDir);
  try {
    return await startLocked(opts, dataDirLock);
  } catch (err) {
    dataDirLock.release();
    throw err;
  }
}

async function startLocked(opts: GatewayOptions, dataDirLock: DataDirLock): Promise<Gateway> {
  const { config, logger } = opts;
  const env = opts.env ?? process.env;
  const dirs = dataDirs(config.dataDir);
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });

  const store = openSqliteStore({ path: join(config.dataDir, 'vigil.db'), logger: logger.child({ part: 'store' }) });
  const signingKey = loadOrCreateSigningKey(dirs.keys, { logger });
  await recoverInterrupted(store, signingKey, logger);

  const apiUrl = `http://${config.listen.api}`;
  const devIssuer =
    config.auth.issuer === 'dev'
      ? createDevIssuer({ keysDir: dirs.keys, issuerUrl: `${apiUrl}/dev-issuer`, audience: config.auth.audience })
      : undefined;
  if (devIssuer)
    writeFileSync(
      join(dirs.keys, 'dev-issuer.json'),
      JSON.stringify({ issuerUrl: devIssuer.issuerUrl, audience: config.auth.audience }),
      { mode: 0o600 },
    );
  const verifier = createTokenVerifier({
    issuer: devIssuer ? devIssuer.issuerUrl : config.auth.issuer,
    audience: config.auth.audience,
    groupsClaim: config.auth.groupsClaim,
    roles: config.auth.roles,
    clockToleranceSec: config.auth.clockToleranceSec,
    logger: logger.child({ part: 'identity' }),
    ...(config.auth.algorithms ? { algorithms: config.auth.algorithms } : {}),
    ...(devIssuer ? { jwks: devIssuer.jwks } : {}),
    allowInsecureHttp: isLoopbackUrl(config.auth.issuer),
  });

  await Promise.all([initSqlClassifier(), initMasking()]);
  const maskings = new Map(
    config.policies.flatMap((p) =>
      p.masking ? [[p.name, compileMasking(p.masking, `policies.${p.name}.masking`)] as const] : [],
    ),
  );
  const maskingKey = loadOrCreateMaskingKey(dirs.keys);
  const policies = new Map<string, CompiledPolicy>(config.policies.map((p) => [p.name, compilePolicy(p)]));
  const classifier = createClassificationCache({ maxEntries: 5000 });
  const webhook = config.approvals.webhook;
  const webhookSecret = webhook ? env[webhook.secretEnv] : undefined;
  if (webhook && webhookSecret === undefined)
    throw new ConfigError('approvals.webhook', [
      { path: 'approvals.webhook.secretEnv', message: `environment variable ${webhook.secretEnv} is not set` },
    ]);
  const broker = new ApprovalBroker({
    store,
    logger: logger.child({ part: 'approvals' }),
    ...(webhook && webhookSecret ? { webhook: { url: webhook.url, secret: webhookSecret } } : {}),
  });
  const approvalsUrl = `${apiUrl}/#/approvals`;
  const hub = new SessionHub();
  const compressor = createZstdCompressor();
  // Recording chunks compress on a worker thread: the event loop keeps relaying meanwhile.
  const chunkCompressor = createChunkCompressor({ logger: logger.child({ part: 'recorder' }) });
  const createRecorder: RecorderFactory = (r) =>
    createSessionRecorder({
      path: r.path,
      header: r.header,
      compressor,
      chunkCompressor,
      signingKey,
      clock: () => Number(process.hrtime.bigint() / 1000n),
      logger: logger.child({ part: 'recorder' }),
      onChunk: r.onChunk,
      onError: r.onError,
    });
  const chunkIndex = createChunkIndexQueue(store, { delayMs: 50 });
  const pipeline = {
    store,
    chunkIndex,
    recordingsDir: dirs.recordings,
    createRecorder,
    events: hub,
    logger,
    keyFingerprint: signingKey.fingerprint,
  };

  const connections = new Map(config.connections.map((c) => [c.name, c]));
  const authFailedFor =
    (protocol: string) =>
    (info: { connection: string; clientAddr: string; code: string; reason: string; user: string }) =>
      store.appendAudit({
        type: 'auth.failure',
        actor: info.user || 'unknown',
        connection: info.connection,
        data: { protocol, clientAddr: info.clientAddr, code: info.code, reason: info.reason },
      });
  const gateWith = (session: RecordedSession, policyName: string, interpreter: CommandInterpreter) =>
    createPolicyGate({
      policy: policies.get(policyName) as CompiledPolicy,
      session,
      interpreter,
      broker,
      store,
      logger: logger.child({ part: 'policy', session: session.id }),
      approvalsUrl,
    });
  const catalogs = new Map<string, UpstreamCatalog>();
  const catalogFor = (c: PostgresConnectionConfig): UpstreamCatalog => {
    let catalog = catalogs.get(c.name);
    if (!catalog) {
      catalog = new UpstreamCatalog(
        () => upstreamTarget(c, env),
        logger.child({ part: 'catalog', connection: c.name }),
      );
      catalogs.set(c.name, catalog);
    }
    return catalog;
  };
  const cancels = new CancelRegistry();
  const upstreams = createUpstreamPool({ logger: logger.child({ part: 'upstream-pool' }) });
  const postgres = await startPgListener({
    host: hostOf(config.listen.postgres),
    port: portOf(config.listen.postgres),
    maxSessions: config.limits.maxSessions,
    logger: logger.child({ part: 'postgres' }),
    cancels,
    deps: {
      logger: logger.child({ part: 'postgres' }),
      maxMessageBytes: config.limits.maxMessageBytes,
      maxStatementBytes: config.limits.maxStatementBytes,
      authTimeoutMs: config.limits.authTimeoutMs,
      tls: loadTls(config),
      findConnection: (name) => {
        const c = connections.get(name);
        return c?.type === 'postgres' ? c : undefined;
      },
      upstreamTarget: (c) => upstreamTarget(c, env),
      verifyToken: (token): Promise<Principal> => verifier.verify(token),
      authFailed: authFailedFor('postgres'),
      openSession: (input) => openRecordedSession(pipeline, input),
      gateFor: async (session, connection, prepared) =>
        gateWith(
          session,
          connection.policy,
          createSqlInterpreter({
            classifier,
            builtinFunctions: await catalogFor(connection).builtinFunctions(),
            onSchemaChange: () => catalogFor(connection).invalidate(),
            prepared,
          }),
        ),
      maskerFor: async (session, connection) => {
        const masking = maskings.get(connection.policy);
        if (!masking) return undefined;
        const catalog = await catalogFor(connection).maskingCatalog();
        // Without the catalog, column origins cannot be resolved: the empty catalog makes every
        // statement on a table of unknown lineage fail the masking check (fail closed).
        return new PgResultMasker({
          masking,
          catalog: catalog ?? EMPTY_CATALOG,
          freshCatalog: () => catalogFor(connection).freshMaskingCatalog(),
          session,
          key: maskingKey,
        });
      },
      cancels,
      upstreams,
    },
  });

  const textMaskers = new Map(
    [...maskings].map(([name, m]) => [name, detectorTextMasker(m.detectors, m.style, maskingKey)] as const),
  );
  const httpConnections = new Map(
    config.connections.flatMap((c) =>
      c.type === 'http' ? [[c.name, httpConnectionFromConfig(c, env, textMaskers.get(c.policy))] as const] : [],
    ),
  );
  const http = config.listen.http
    ? await startHttpListener({
        host: hostOf(config.listen.http),
        port: portOf(config.listen.http),
        logger: logger.child({ part: 'http' }),
        findConnection: (name) => httpConnections.get(name),
        listConnections: () => [...httpConnections.values()],
        verifyToken: (token) => verifier.verify(token),
        authFailed: authFailedFor('http'),
        openSession: (input) => openRecordedSession(pipeline, input),
        gateFor: (session, connection) =>
          gateWith(session, (connections.get(connection.name) as ConnectionConfig).policy, httpInterpreter),
      })
    : undefined;

  const sshConnections = new Map(
    config.connections.flatMap((c) => (c.type === 'ssh' ? [[c.name, toSshConnection(c, env)] as const] : [])),
  );
  const ssh = config.listen.ssh
    ? await startSshListener({
        host: hostOf(config.listen.ssh),
        port: portOf(config.listen.ssh),
        hostKeys: [loadOrCreateHostKey(dirs.keys, { logger })],
        logger: logger.child({ part: 'ssh' }),
        findConnection: (name) => sshConnections.get(name),
        verifyToken: (token) => verifier.verify(token),
        authorizedKeys: config.auth.publicKeys.map((k) => ({
          key: k.key,
          principal: { sub: k.sub, groups: k.groups, roles: rolesForGroups(k.groups, config.auth.roles) },
        })),
        authFailed: authFailedFor('ssh'),
        audit: (event) => store.appendAudit(event),
        openSession: (input) => openRecordedSession(pipeline, input),
        gateFor: (session, connection) => gateWith(session, connection.policy, shellInterpreter),
        maskOutput: (connection) => {
          const m = maskings.get(connection.policy);
          return m ? detectorOutputMask(m.detectors, m.style, maskingKey) : undefined;
        },
      })
    : undefined;

  const api = await startApiServer({
    host: hostOf(config.listen.api),
    port: portOf(config.listen.api),
    logger: logger.child({ part: 'api' }),
    store,
    hub,
    approvals: broker,
    verifier,
    ...(devIssuer ? { devIssuer } : {}),
    ...(config.auth.clientId
      ? {
          humanLogin: {
            issuer: config.auth.issuer,
            clientId: config.auth.clientId,
            ...(config.auth.clientSecretEnv ? { clientSecret: env[config.auth.clientSecretEnv] } : {}),
            redirectUri: `${apiUrl}/auth/callback`,
            allowInsecureHttp: isLoopbackUrl(config.auth.issuer),
          },
        }
      : {}),
    connections: config.connections.map((c) => ({
      name: c.name,
      type: c.type,
      ...(c.description ? { description: c.description } : {}),
    })),
    postgresAddress: { host: postgres.address.host, port: postgres.address.port },
    ...(ssh ? { sshAddress: ssh.address } : {}),
    signingKey: { fingerprint: signingKey.fingerprint, publicKeyPem: signingKey.publicKeyPem },
    staticDir: fileURLToPath(new URL('../../renderer/dist', import.meta.url)),
    routes: evidenceRoutes({ store, signingKey, logger: logger.child({ part: 'evidence' }) }),
  });

  const checkpointer = new AuditCheckpointer({
    store,
    signingKey,
    logger: logger.child({ part: 'audit' }),
    everyEvents: config.audit.checkpointEvery,
  });
  checkpointer.start();
  const forwarders = createAuditForwarders(config.audit.sinks, {
    store,
    dataDir: config.dataDir,
    logger,
    env,
    productVersion: vigilVersion(),
  });
  for (const f of forwarders) f.start();
  const retention = Object.fromEntries(
    config.connections.flatMap((c) => (c.retention ? [[c.name, c.retention] as const] : [])),
  );
  const purge = () =>
    purgeExpiredRecordings({
      store,
      retention,
      logger: logger.child({ part: 'retention' }),
      publicKey: signingKey.publicKey,
    }).catch((err) => logger.error('retention purge failed', { err }));
  const purgeTimer = Object.keys(retention).length > 0 ? setInterval(purge, 60 * 60_000) : undefined;
  purgeTimer?.unref();
  if (purgeTimer) void purge();

  logger.info('gateway started', {
    postgres: `${postgres.address.host}:${postgres.address.port}`,
    api: `${api.address.host}:${api.address.port}`,
    dataDir: config.dataDir,
    key: signingKey.fingerprint,
  });

  return {
    config,
    store,
    hub,
    broker,
    signingKey,
    devIssuer,
    postgres,
    upstreamPool: upstreams,
    http,
    ssh,
    api,
    async close() {
      clearInterval(purgeTimer);
      checkpointer.stop();
      await Promise.all(forwarders.map((f) => f.stop()));
      broker.close();
      await api.close();
      await postgres.close();
      await http?.close();
      await ssh?.close();
      // Sessions end as their sockets close; give their seals a moment before the store goes.
      for (let i = 0; i < 50 && hub.liveCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
      upstreams.close();
      await chunkCompressor.close();
      chunkIndex.flush();
      store.close();
      dataDirLock.release();
    },
  };
}

const EMPTY_CATALOG: MaskingCatalog = {
  columnName: () => undefined,
  columnsOf: () => undefined,
  viewDefinition: () => undefined,
};

/** The key of the `hash` masking style (HMAC), so equal values hash equal across sessions and restarts. */
function loadOrCreateMaskingKey(keysDir: string): Uint8Array {
  const path = join(keysDir, 'masking-hmac.key');
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    const key = randomBytes(32);
    writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
    return new Uint8Array(readFileSync(path));
  }
}

export function dataDirs(dataDir: string): { root: string; recordings: string; keys: string } {
  return { root: dataDir, recordings: join(dataDir, 'recordings'), keys: join(dataDir, 'keys') };
}

/** Recordings a crashed process left open are sealed as interrupted before anything listens. */
async function recoverInterrupted(store: Store, key: SigningKey, logger: Logger): Promise<void> {
  for (const s of store.liveSessions()) {
    try {
      const seal = await sealInterruptedRecording(s.recording, key, 'gateway stopped before the session ended', {
        logger,
      });
      for (const chunk of seal.chunks) store.addChunk(s.id, chunk);
      store.endSession(s.id, {
        endedAt: new Date().toISOString(),
        status: 'interrupted',
        endReason: 'gateway stopped before the session ended (recovered on restart)',
        finalHash: seal.finalHash,
        frames: seal.frames,
        chunks: seal.chunks.length,
      });
      store.appendAudit({
        type: 'session.end',
        actor: 'system',
        sessionId: s.id,
        connection: s.connection,
        data: { status: 'interrupted', frames: seal.frames, finalHash: seal.finalHash },
      });
      logger.warn('sealed an interrupted recording', { session: s.id, frames: seal.frames });
    } catch (err) {
      logger.error('could not recover an interrupted recording', { session: s.id, err });
      store.endSession(s.id, {
        endedAt: new Date().toISOString(),
        status: 'failed',
        endReason: `recovery failed: ${(err as Error).message}`,
        finalHash: null,
      });
    }
  }
}

function upstreamTarget(c: PostgresConnectionConfig, env: NodeJS.ProcessEnv): UpstreamTarget {
  return {
    host: c.upstream.host,
    port: c.upstream.port,
    database: c.upstream.database,
    user: c.upstream.user,
    password: resolveSecret(c.upstream, env),
    tls: c.upstream.tls,
    ca: c.upstream.ca ? readFileSync(c.upstream.ca, 'utf8') : undefined,
    connectTimeoutMs: c.upstream.connectTimeoutMs,
    pool: c.upstream.pool,
    // The upstream is trusted to follow the protocol; a single row may legitimately approach 1 GB.
    maxMessageSize: 2 ** 31 - 1,
  };
}

function loadTls(config: VigilConfig): SecureContext | undefined {
  if (!config.tls) return undefined;
  return createSecureContext({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) });
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}
