import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from '../logger';
import { DEMO_SEED_SQL } from './demo-seed.sql';

export interface DemoUpstream {
  host: string;
  port: number;
  database: string;
  user: string;
  stop(): Promise<void>;
}

/**
 * The demo's embedded PostgreSQL: PGlite behind its wire-protocol socket server on a loopback port,
 * persisted under dataDir so `--data-dir` keeps the shop between runs. PGlite runs one backend
 * session: statements of concurrent connections are queued (fine for a demo, not for load).
 */
export async function startDemoUpstream(opts: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<DemoUpstream> {
  const dir = join(opts.dataDir, 'demo-postgres');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const seeded = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'customers'`,
  );
  if (seeded.rows[0]?.n === 0) {
    await db.exec(DEMO_SEED_SQL);
    opts.logger.info('demo database seeded', { dir });
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port, maxConnections: 64 });
  await server.start();
  return {
    host: '127.0.0.1',
    port: opts.port,
    database: 'postgres',
    user: 'postgres',
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
