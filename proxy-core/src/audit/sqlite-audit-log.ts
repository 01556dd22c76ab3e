import { newSortableId } from '../store/ids';
import { isoTime, nonEmpty, pageLimit } from '../store/input-checks';
import type { SqliteContext } from '../store/sqlite-context';
import type { Store } from '../store/store.types';
import { StoreError } from '../store/store-error';
import type { AuditEvent, AuditEventInput, AuditFilter, AuditHead } from './audit.types';
import { computeAuditHash, GENESIS_HASH, type Sha256Hex, type UnhashedAuditEvent } from './audit-chain';
import { canonicalJson, type JsonValue, toJsonValue } from './canonical-json';

type AuditMethods = Pick<Store, 'appendAudit' | 'listAudit' | 'auditHead'>;

interface AuditRow {
  seq: number;
  id: string;
  time: string;
  type: string;
  actor: string;
  session_id: string | null;
  connection: string | null;
  data_json: string;
  prev_hash: string;
  hash: string;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/** The audit log in the store's SQLite file: append-only (triggers refuse UPDATE and DELETE) and hash-chained. */
export function sqliteAuditLog(ctx: SqliteContext, sha256Hex: Sha256Hex): AuditMethods {
  const { db } = ctx;
  const selectHead = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(`INSERT INTO audit_events
    (seq, id, time, type, actor, session_id, connection, data_json, prev_hash, hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);

  const auditHead = (): AuditHead => (selectHead.get() as AuditHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };

  // Reading the head and inserting after it happen under one write lock (BEGIN IMMEDIATE), so another
  // process appending at the same moment waits (busy_timeout) and then links to this event: one chain.
  const append = db.transaction((fields: Omit<UnhashedAuditEvent, 'seq' | 'prevHash'>): AuditEvent => {
    const head = auditHead();
    const unhashed: UnhashedAuditEvent = { seq: head.seq + 1, ...fields, prevHash: head.hash };
    const event: AuditEvent = { ...unhashed, hash: computeAuditHash(unhashed, sha256Hex) };
    insert.run(
      event.seq,
      event.id,
      event.time,
      event.type,
      event.actor,
      event.sessionId ?? null,
      event.connection ?? null,
      canonicalJson(event.data),
      event.prevHash,
      event.hash,
    );
    return event;
  });

  return {
    appendAudit(input: AuditEventInput): AuditEvent {
      const time = isoTime(input.time ?? ctx.now().toISOString(), 'time');
      return append.immediate({
        id: newSortableId(new Date(time)),
        time,
        type: nonEmpty(input.type, 'type'),
        actor: nonEmpty(input.actor, 'actor'),
        ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }),
        ...(input.connection === undefined ? {} : { connection: input.connection }),
        data: jsonData(input.data),
      });
    },

    listAudit(filter: AuditFilter = {}): AuditEvent[] {
      const conds: string[] = [];
      const params: unknown[] = [];
      const add = (cond: string, value: unknown) => {
        conds.push(cond);
        params.push(value);
      };
      if (filter.since !== undefined) add('time >= ?', isoTime(filter.since, 'since'));
      if (filter.afterSeq !== undefined) add('seq > ?', filter.afterSeq);
      if (filter.untilSeq !== undefined) add('seq <= ?', filter.untilSeq);
      if (filter.type !== undefined) add('type = ?', filter.type);
      if (filter.sessionId !== undefined) add('session_id = ?', filter.sessionId);
      const where = conds.length === 0 ? '' : ` WHERE ${conds.join(' AND ')}`;
      const limit = pageLimit(filter.limit, DEFAULT_LIMIT, MAX_LIMIT);
      const rows = db.prepare(`SELECT * FROM audit_events${where} ORDER BY seq LIMIT ?`).all(...params, limit);
      return (rows as AuditRow[]).map(toEvent);
    },

    auditHead,
  };
}

/** Stored and hashed in its parse-back form, so a reader re-hashing what it parsed gets the same bytes. */
function jsonData(data: unknown): JsonValue {
  try {
    return toJsonValue(data ?? {});
  } catch (err) {
    throw new StoreError('invalid_input', `data: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function toEvent(row: AuditRow): AuditEvent {
  const event: AuditEvent = {
    seq: row.seq,
    id: row.id,
    time: row.time,
    type: row.type,
    actor: row.actor,
    data: JSON.parse(row.data_json) as JsonValue,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.session_id !== null) event.sessionId = row.session_id;
  if (row.connection !== null) event.connection = row.connection;
  return event;
}
