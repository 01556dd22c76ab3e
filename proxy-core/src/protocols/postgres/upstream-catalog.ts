import pg from 'pg';
import type { Logger } from '../../logger';
import type { MaskingCatalog, QualifiedColumn } from '../../masking';
import type { UpstreamTarget } from './upstream-connector';

const CATALOG_TTL_MS = 60_000;
/** A session that misses a relation reads the catalog again, unless a read this recent already could have seen it. */
const MIN_REREAD_MS = 1_000;

/** One read of the masking catalog: when it started, and the schema generation (see `invalidate`) it started in. */
interface CatalogRead {
  catalog: Promise<MaskingCatalog | undefined>;
  startedAt: number;
  generation: number;
}

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
    this.builtins ??= this.query<{ name: string }>(
      "SELECT DISTINCT lower(proname) AS name FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace",
    )
      .then((rows) => new Set(rows.map((r) => r.name)))
      .catch((err: Error) => {
        this.logger.warn(
          'could not read the upstream function catalog; every non-categorized function call counts as a user function',
          { err: err.message },
        );
        this.builtins = undefined;
        return undefined;
      });
    return this.builtins;
  }

  /** The masking catalog as last read, or being read. */
  private relations: CatalogRead | undefined;
  /** Counts the schema changes made through the gateway (`invalidate`). */
  private generation = 0;

  /**
   * Columns, views and user functions of the upstream database, as the masking planner needs them
   * (RowDescription origins are table OIDs and attribute numbers). Read again after DDL through the gateway
   * (`invalidate()`) and when older than CATALOG_TTL_MS.
   */
  maskingCatalog(): Promise<MaskingCatalog | undefined> {
    // Schema changes made outside the gateway (migrations) are picked up within CATALOG_TTL_MS.
    return this.catalogNewerThan(CATALOG_TTL_MS);
  }

  /**
   * The masking catalog read again, for a session whose statement names a relation the catalog it has lacks (made
   * in this session, or by a migration since): unless a read that began after the last schema change through the
   * gateway is under MIN_REREAD_MS old, so that statements naming relations that do not exist cost at most one
   * read a second.
   */
  freshMaskingCatalog(): Promise<MaskingCatalog | undefined> {
    return this.catalogNewerThan(MIN_REREAD_MS);
  }

  /** The last read when it began after the last schema change and at most `maxAgeMs` ago, else a new one. */
  private catalogNewerThan(maxAgeMs: number): Promise<MaskingCatalog | undefined> {
    const r = this.relations;
    if (r && r.generation === this.generation && Date.now() - r.startedAt < maxAgeMs) return r.catalog;
    return this.readMaskingCatalog();
  }

  /** Something changed the schema: the catalog is read again when next asked for. */
  invalidate(): void {
    this.generation++;
  }

  private readMaskingCatalog(): Promise<MaskingCatalog | undefined> {
    const read: CatalogRead = {
      startedAt: Date.now(),
      generation: this.generation,
      catalog: this.loadMaskingCatalog().catch((err: Error) => {
        this.logger.warn(
          'could not read the upstream catalog for masking; results are masked by content detectors only, and statements on unknown columns are refused',
          { err: err.message },
        );
        if (this.relations === read) this.relations = undefined;
        return undefined;
      }),
    };
    this.relations = read;
    return read.catalog;
  }

  private async loadMaskingCatalog(): Promise<MaskingCatalog> {
    const [columns, functions, builtins] = await Promise.all([
      this.query<{
        oid: number;
        nspname: string;
        relname: string;
        relkind: string;
        attnum: number;
        attname: string;
        viewdef: string | null;
      }>(
        `SELECT c.oid::int AS oid, n.nspname, c.relname, c.relkind, a.attnum::int AS attnum, a.attname,
                CASE WHEN c.relkind IN ('v', 'm') AND a.attnum = 1 THEN pg_get_viewdef(c.oid) END AS viewdef
           FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          ORDER BY c.oid, a.attnum`,
      ),
      this.query<{ nspname: string; proname: string }>(
        `SELECT DISTINCT n.nspname, lower(p.proname) AS proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')`,
      ),
      this.builtinFunctions(),
    ]);
    const byOid = new Map<string, QualifiedColumn>();
    const byName = new Map<string, string[]>();
    const views = new Map<string, string>();
    for (const r of columns) {
      byOid.set(`${r.oid}:${r.attnum}`, { schema: r.nspname, table: r.relname, column: r.attname });
      const key = `${r.nspname}.${r.relname}`;
      const list = byName.get(key) ?? [];
      list.push(r.attname);
      byName.set(key, list);
      if (r.viewdef) views.set(key, r.viewdef);
    }
    const userFunctions = new Set(functions.map((f) => `${f.nspname}.${f.proname}`));
    const userNames = new Set(functions.map((f) => f.proname));
    return {
      columnName: (oid, attnum) => byOid.get(`${oid}:${attnum}`),
      columnsOf: (schema, table) => byName.get(`${schema}.${table}`),
      viewDefinition: (schema, table) => views.get(`${schema}.${table}`),
      functionKind(schema, name) {
        const n = name.toLowerCase();
        if (schema !== undefined && schema !== 'pg_catalog')
          return userFunctions.has(`${schema}.${n}`) ? 'user' : undefined;
        if (builtins?.has(n)) return 'builtin';
        return userNames.has(n) ? 'user' : undefined;
      },
    };
  }

  /** Runs one catalog query on a short-lived connection. */
  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const t = this.target();
    const base = {
      host: t.host,
      port: t.port,
      database: t.database,
      user: t.user,
      password: t.password,
      connectionTimeoutMillis: t.connectTimeoutMs,
      application_name: 'vigil-catalog',
    };
    const attempts: Array<pg.ClientConfig['ssl']> =
      t.tls === 'disable'
        ? [false]
        : t.tls === 'prefer'
          ? [{ rejectUnauthorized: false }, false]
          : [{ rejectUnauthorized: t.tls === 'verify-full', ...(t.ca ? { ca: t.ca } : {}) }];
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
