import type { Socket } from 'node:net';
import pg from 'pg';
import type { Principal } from '../identity/identity.types';
import type { Logger } from '../logger';
import type { SessionHub } from '../pipeline/session-events';
import type { Store } from '../store/store.types';

export const MAX_WORKBENCH_ROWS = 10_000;
const IDLE_MS = 10 * 60_000;
const MAX_CLIENTS = 200;
const CONNECT_TIMEOUT_MS = 10_000;

/** Who runs the query, and how to prove it to the gateway's PostgreSQL listener. */
export interface WorkbenchOwner {
  /** One connection per owner and Vigil connection: the IDE session id, or a hash of a Bearer token. */
  key: string;
  principal: Principal;
  /** The OIDC access token to send as the password (minted on demand for development sign-ins). */
  password(): Promise<string>;
}

export interface WorkbenchResult {
  columns: { name: string; masked?: boolean }[];
  rows: (string | null)[][];
  /** More rows came back than MAX_WORKBENCH_ROWS; the rest were dropped. */
  truncated: boolean;
  command: string | null;
  rowCount: number | null;
  error: { code: string; message: string } | null;
  /** The recorded gateway session the query ran in. */
  sessionId: string | null;
  /** Masked cells of the rows shown (from the session's mask annotations). */
  masks: { row: number; column: number; rule: string }[];
}

interface Entry {
  owner: string;
  client: Promise<{ client: pg.Client; sessionId: string | null }>;
  lastUsed: number;
}

type PgResult = pg.QueryResult<unknown[]>;
/** Every value as the text PostgreSQL sent: the grid shows what the server (after masking) said, unparsed. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * The query workbench: SQL from a signed-in human runs through the gateway's own PostgreSQL listener with the
 * human's token, so it is authenticated, policy-checked, masked and recorded exactly like an agent's. Keeps one
 * client per (owner, connection), closed after IDLE_MS unused or when the owner signs out.
 */
export class Workbench {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly opts: { address: { host: string; port: number }; store: Store; logger: Logger; hub?: SessionHub },
  ) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async run(owner: WorkbenchOwner, connection: string, sql: string): Promise<WorkbenchResult> {
    let conn: { client: pg.Client; sessionId: string | null };
    try {
      conn = await this.clientFor(owner, connection);
    } catch (err) {
      return { ...empty(null), error: pgError(err) };
    }
    const masks: WorkbenchResult['masks'] = [];
    const hub = this.opts.hub;
    const sid = conn.sessionId;
    // The session's mask annotations are emitted before the masked rows leave the gateway, so every one
    // for this query has been seen when the query's result arrives.
    const unwatch = hub && sid ? hub.watch(sid) : undefined;
    const unsubscribe = hub?.subscribe((event) => {
      if (event.type !== 'frame' || event.sessionId !== sid || event.frame.kind !== 'annotation') return;
      const v = event.frame.value as { type?: string; row?: number; column?: number; rule?: string; summary?: boolean };
      if (v.type === 'mask' && !v.summary && typeof v.row === 'number' && typeof v.column === 'number' && v.column >= 0)
        masks.push({ row: v.row, column: v.column, rule: v.rule ?? 'masked' });
    });
    try {
      const result = await runQuery(conn.client, sql, conn.sessionId);
      const shown = result.error ? [] : masks.filter((m) => m.row < result.rows.length);
      const maskedColumns = new Set(shown.map((m) => m.column));
      return {
        ...result,
        columns: result.columns.map((c, i) => ({ ...c, masked: maskedColumns.has(i) })),
        masks: shown,
      };
    } finally {
      unsubscribe?.();
      unwatch?.();
    }
  }

  /** Closes the owner's connections (sign-out). */
  closeOwner(ownerKey: string): void {
    for (const [key, entry] of [...this.entries]) if (entry.owner === ownerKey) this.drop(key, entry);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const [key, entry] of [...this.entries]) this.drop(key, entry);
  }

  private clientFor(
    owner: WorkbenchOwner,
    connection: string,
  ): Promise<{ client: pg.Client; sessionId: string | null }> {
    const key = `${owner.key}\0${connection}`;
    const existing = this.entries.get(key);
    if (existing) {
      existing.lastUsed = Date.now();
      return existing.client;
    }
    if (this.entries.size >= MAX_CLIENTS) this.dropLeastRecent();
    const entry: Entry = {
      owner: owner.key,
      client: this.connect(owner, connection, () => this.drop(key, entry)),
      lastUsed: Date.now(),
    };
    this.entries.set(key, entry);
    entry.client.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.client;
  }

  private async connect(
    owner: WorkbenchOwner,
    connection: string,
    onGone: () => void,
  ): Promise<{ client: pg.Client; sessionId: string | null }> {
    const client = new pg.Client({
      host: this.opts.address.host,
      port: this.opts.address.port,
      database: connection,
      user: owner.principal.sub,
      password: await owner.password(),
      ssl: false,
      application_name: 'vigil-workbench',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    client.on('error', (err) => {
      this.opts.logger.debug('workbench connection failed', { err: err.message, connection });
      onGone();
    });
    client.on('end', onGone);
    await client.connect();
    return { client, sessionId: this.findSession(client, owner.principal.sub, connection) };
  }

  /** The gateway session this client became: same principal and connection, and our local port as its client. */
  private findSession(client: pg.Client, principal: string, connection: string): string | null {
    const socket = (client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
    const port = socket?.localPort;
    if (port === undefined) return null;
    const live = this.opts.store.listSessions({ principal, connection, status: 'live', limit: 100 }).sessions;
    return live.find((s) => s.clientAddr.endsWith(`:${port}`))?.id ?? null;
  }

  private drop(key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
    entry.client.then(
      ({ client }) => client.end().catch(() => {}),
      () => {},
    );
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of [...this.entries]) if (now - entry.lastUsed > IDLE_MS) this.drop(key, entry);
  }

  private dropLeastRecent(): void {
    let oldest: [string, Entry] | undefined;
    for (const item of this.entries) if (!oldest || item[1].lastUsed < oldest[1].lastUsed) oldest = item;
    if (oldest) this.drop(oldest[0], oldest[1]);
  }
}

/**
 * Runs SQL (simple protocol: several statements allowed) and keeps the rows of the last statement that returned
 * rows, at most MAX_WORKBENCH_ROWS of them; rows are streamed, not accumulated, so a huge result costs no memory.
 */
function runQuery(client: pg.Client, sql: string, sessionId: string | null): Promise<WorkbenchResult> {
  return new Promise((resolve) => {
    const config: pg.QueryArrayConfig = { text: sql, rowMode: 'array', types: TEXT_TYPES };
    const query = new pg.Query(config);
    let current: unknown;
    let rows: (string | null)[][] = [];
    let truncated = false;
    query.on('row', (row: unknown, result?: unknown) => {
      if (result !== current) {
        current = result;
        rows = [];
        truncated = false;
      }
      if (rows.length < MAX_WORKBENCH_ROWS) rows.push(row as (string | null)[]);
      else truncated = true;
    });
    query.on('error', (err: Error) => resolve({ ...empty(sessionId), error: pgError(err) }));
    query.on('end', (results: unknown) => {
      const all = (Array.isArray(results) ? results : [results]) as PgResult[];
      const shown = [...all].reverse().find((r) => r.fields.length > 0) ?? all.at(-1);
      if (!shown) return resolve(empty(sessionId));
      const mine = shown === current;
      resolve({
        columns: shown.fields.map((f) => ({ name: f.name })),
        rows: mine ? rows : [],
        truncated: mine && truncated,
        command: shown.command ?? null,
        rowCount: shown.rowCount ?? null,
        error: null,
        sessionId,
        masks: [],
      });
    });
    // A Submittable: client.query returns it, and its errors arrive through the 'error' event above.
    client.query(query);
  });
}

function empty(sessionId: string | null): WorkbenchResult {
  return { columns: [], rows: [], truncated: false, command: null, rowCount: null, error: null, sessionId, masks: [] };
}

function pgError(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : '08006';
  return { code, message: typeof e.message === 'string' ? e.message : 'query failed' };
}
