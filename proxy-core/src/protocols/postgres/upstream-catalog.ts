import pg from 'pg';
import type { Logger } from '../../logger';
import type { UpstreamTarget } from './upstream-connector';

/**
 * What the gateway reads from an upstream's catalog for policy and masking, over a side connection
 * with the stored credential (never through an agent's session). Results are cached per connection;
 * a failed load is retried on the next session and callers fall back to the strict assumption.
 */
export class UpstreamCatalog {
  private builtins: Promise<ReadonlySet<string> | undefined> | undefined;

  constructor(
    private readonly target: () => UpstreamTarget,
    private readonly logger: Logger,
  ) {}

  /** Lower-case names of the functions in pg_catalog (built-ins do not change while the server runs). */
  builtinFunctions(): Promise<ReadonlySet<string> | undefined> {
    this.builtins ??= this.query<{ name: string }>("SELECT DISTINCT lower(proname) AS name FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace")
      .then((rows) => new Set(rows.map((r) => r.name)))
      .catch((err: Error) => {
        this.logger.warn('could not read the upstream function catalog; every non-categorized function call counts as a user function', { err: err.message });
        this.builtins = undefined;
        return undefined;
      });
    return this.builtins;
  }

  /** Runs one catalog query on a short-lived connection. */
  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const t = this.target();
    const base = { host: t.host, port: t.port, database: t.database, user: t.user, password: t.password, connectionTimeoutMillis: t.connectTimeoutMs, application_name: 'vigil-catalog' };
    const attempts: Array<pg.ClientConfig['ssl']> =
      t.tls === 'disable' ? [false] : t.tls === 'prefer' ? [{ rejectUnauthorized: false }, false] : [{ rejectUnauthorized: t.tls === 'verify-full', ...(t.ca ? { ca: t.ca } : {}) }];
    let last: unknown;
    for (const ssl of attempts) {
      const client = new pg.Client({ ...base, ssl });
      client.on('error', () => {}); // a dropped side connection only fails this query
      try {
        await client.connect();
        const res = await client.query<T>(sql, params);
        return res.rows;
      } catch (err) {
        last = err;
      } finally {
        await client.end().catch(() => {});
      }
    }
    throw last;
  }
}
