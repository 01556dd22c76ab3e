import { resolve } from 'node:path';
import { ConfigError, configSchema, loadConfigFile, type VigilConfig } from '../config/config';
import { demoConfig } from '../demo/demo-config';
import { demoTls } from '../demo/demo-tls';
import { type DemoUpstream, startDemoUpstream } from '../demo/demo-upstream';
import { freeLoopbackPort } from '../demo/free-port';
import { startGateway } from '../gateway';
import { createLogger, type LogLevel } from '../logger';
import { type DataDirLock, lockDataDir } from '../store/data-dir-lock';
import type { CliIo } from './cli-io';
import { parse } from './state-options';

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(
    args,
    {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      demo: { type: 'boolean' },
      api: { type: 'string' },
      postgres: { type: 'string' },
      'log-level': { type: 'string' },
    },
    false,
  );
  const logger = createLogger({
    level: (values['log-level'] as LogLevel | undefined) ?? 'info',
    write: (line) => io.err(line),
  });
  let upstream: DemoUpstream | undefined;
  let config: VigilConfig;
  let dataDirLock: DataDirLock | undefined;
  if (values.demo) {
    const dataDir = resolve(io.cwd, values['data-dir'] ?? '.vigil-demo');
    // The embedded database lives in the data directory too: take it before that database opens.
    dataDirLock = lockDataDir(dataDir);
    upstream = await startDemoUpstream({
      dataDir,
      port: await freeLoopbackPort(),
      logger: logger.child({ part: 'demo-db' }),
    });
    const raw = demoConfig({
      dataDir,
      api: values.api ?? '127.0.0.1:7480',
      postgres: values.postgres ?? '127.0.0.1:15432',
      upstreamPort: upstream.port,
      tls: demoTls(dataDir, logger),
    });
    const parsed = configSchema.safeParse(raw);
    if (!parsed.success)
      throw new ConfigError(
        'demo configuration',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    config = parsed.data;
  } else {
    config = loadConfigFile(resolve(io.cwd, values.config ?? 'vigil.yaml'));
    if (values['data-dir']) config = { ...config, dataDir: resolve(io.cwd, values['data-dir']) };
    if (values.api) config = { ...config, listen: { ...config.listen, api: values.api } };
    if (values.postgres) config = { ...config, listen: { ...config.listen, postgres: values.postgres } };
  }
  const gateway = await startGateway({ config, logger, env: io.env, ...(dataDirLock ? { dataDirLock } : {}) }).catch(
    async (err) => {
      await upstream?.stop();
      dataDirLock?.release();
      throw err;
    },
  );
  if (values.demo && gateway.devIssuer) {
    const token = await gateway.devIssuer.mint({ sub: 'agent-demo', groups: ['ai-agents'], ttlSec: 8 * 3600 });
    const pg = gateway.postgres.address;
    const api = gateway.api.address;
    const dataDirArg = JSON.stringify(config.dataDir);
    io.out(
      [
        '',
        'Vigil demo is running. It uses a built-in DEVELOPMENT issuer: never use it in production.',
        '',
        `  IDE           http://${api.host}:${api.port}`,
        `  PostgreSQL    ${pg.host}:${pg.port}   connection "demo" (embedded shop database with synthetic PII)`,
        `  State         ${config.dataDir}`,
        '',
        'Connect as an AI agent (the token is valid for 8 hours):',
        '',
        `  PGPASSWORD='${token}' psql "host=${pg.host} port=${pg.port} dbname=demo user=agent-demo sslmode=${config.tls ? 'require' : 'disable'}"`,
        '',
        'Then, in another terminal:',
        `  npx vigil sessions --data-dir ${dataDirArg}`,
        `  npx vigil verify ${JSON.stringify(`${config.dataDir}/recordings`)}/<session id>.vrec`,
        `  npx vigil token --dev --data-dir ${dataDirArg} --sub my-agent --groups ai-agents`,
        '',
      ].join('\n'),
    );
  } else {
    io.out(
      `Vigil is listening: PostgreSQL ${gateway.postgres.address.host}:${gateway.postgres.address.port}, API http://${gateway.api.address.host}:${gateway.api.address.port}\n`,
    );
  }
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('shutting down');
  await gateway.close();
  await upstream?.stop();
  return 0;
}
