import { ConfigError, configSchema, loadConfigFile, type VigilConfig } from '../../proxy-core/src/config/config';
import { demoConfig } from '../../proxy-core/src/demo/demo-config';
import { demoTls } from '../../proxy-core/src/demo/demo-tls';
import { type DemoUpstream, startDemoUpstream } from '../../proxy-core/src/demo/demo-upstream';
import { freeLoopbackPort } from '../../proxy-core/src/demo/free-port';
import { type Gateway, startGateway } from '../../proxy-core/src/gateway';
import type { Logger } from '../../proxy-core/src/logger';

export interface HostedGatewayOptions {
  /** A vigil.yaml: its own `dataDir` and `listen` addresses apply. Without it (or with `demo`), the demo runs. */
  configPath?: string;
  demo?: boolean;
  /** Where the demo keeps its state (store, recordings, keys, embedded database). */
  dataDir: string;
  logger: Logger;
  /** For the secrets a config names (`passwordEnv`); default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface HostedGateway {
  /** The control API and the IDE, e.g. `http://127.0.0.1:41234`. */
  url: string;
  gateway: Gateway;
  /** Closes the gateway (listeners, store) and the demo database; idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs the gateway inside the desktop app's main process, composed from the same pieces as `vigil serve`
 * (proxy-core/src/cli/serve-command.ts). The demo listens on free loopback ports, so it never collides
 * with a `vigil serve --demo` already running on 7480 / 15432, and keeps its state apart in `dataDir`.
 */
export async function startHostedGateway(opts: HostedGatewayOptions): Promise<HostedGateway> {
  const { logger } = opts;
  const env = opts.env ?? process.env;
  if (opts.configPath && !opts.demo) {
    const gateway = await startGateway({ config: loadConfigFile(opts.configPath), logger, env });
    return hosted(gateway, undefined);
  }
  const upstream = await startDemoUpstream({
    dataDir: opts.dataDir,
    port: await freeLoopbackPort(),
    logger: logger.child({ part: 'demo-db' }),
  });
  try {
    const config = await demoGatewayConfig(opts.dataDir, upstream, logger);
    return hosted(await startGateway({ config, logger, env }), upstream);
  } catch (err) {
    await upstream.stop();
    throw err;
  }
}

async function demoGatewayConfig(dataDir: string, upstream: DemoUpstream, logger: Logger): Promise<VigilConfig> {
  const raw = demoConfig({
    dataDir,
    api: `127.0.0.1:${await freeLoopbackPort()}`,
    postgres: `127.0.0.1:${await freeLoopbackPort()}`,
    upstreamPort: upstream.port,
    tls: demoTls(dataDir, logger),
  });
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      'demo configuration',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  return parsed.data;
}

function hosted(gateway: Gateway, upstream: DemoUpstream | undefined): HostedGateway {
  let stopping: Promise<void> | undefined;
  return {
    url: browsableUrl(gateway.api.url),
    gateway,
    stop() {
      stopping ??= (async () => {
        try {
          await gateway.close();
        } finally {
          await upstream?.stop();
        }
      })();
      return stopping;
    },
  };
}

/**
 * The psql command an AI agent runs against the hosted demo, with a fresh development-issuer token (what
 * `vigil serve --demo` prints; the desktop app has no terminal to print it to). Undefined without the
 * development issuer.
 */
export async function demoAgentCommand(gateway: Gateway, ttlSec = 8 * 3600): Promise<string | undefined> {
  if (!gateway.devIssuer) return undefined;
  const token = await gateway.devIssuer.mint({ sub: 'agent-demo', groups: ['ai-agents'], ttlSec });
  const { host, port } = gateway.postgres.address;
  const sslmode = gateway.config.tls ? 'require' : 'disable';
  return `PGPASSWORD='${token}' psql "host=${host} port=${port} dbname=demo user=agent-demo sslmode=${sslmode}"`;
}

/**
 * The URL the window opens: a gateway listening on every interface (`0.0.0.0`, `::`) is reached on loopback,
 * since Chromium refuses to navigate to the unspecified address.
 */
export function browsableUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  else if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.origin;
}
