import type { Database } from 'better-sqlite3';
import type { Logger } from '../logger';
import { StoreError } from './store-error';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const APPEND_ONLY_TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
`;

/** Append only: a released migration is never edited; change the schema with a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, chunks, commands, approvals, audit log',
    sql: `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  protocol TEXT NOT NULL CHECK (protocol IN ('postgres', 'ssh', 'http')),
  connection TEXT NOT NULL,
  principal TEXT NOT NULL,
  groups_json TEXT NOT NULL,
  client_addr TEXT NOT NULL,
  upstream TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('live', 'ended', 'interrupted', 'failed')),
  end_reason TEXT,
  bytes_in INTEGER NOT NULL DEFAULT 0,
  bytes_out INTEGER NOT NULL DEFAULT 0,
  frames INTEGER NOT NULL DEFAULT 0,
  commands INTEGER NOT NULL DEFAULT 0,
  denials INTEGER NOT NULL DEFAULT 0,
  approvals INTEGER NOT NULL DEFAULT 0,
  masked INTEGER NOT NULL DEFAULT 0,
  chunks INTEGER NOT NULL DEFAULT 0,
  recording TEXT NOT NULL,
  final_hash TEXT
);
-- Keyset pagination walks (started_at, id) descending; each filter gets an index with the same tail.
CREATE INDEX sessions_by_start ON sessions (started_at, id);
CREATE INDEX sessions_by_principal ON sessions (principal, started_at, id);
CREATE INDEX sessions_by_connection ON sessions (connection, started_at, id);
CREATE INDEX sessions_by_status ON sessions (status, started_at, id);

CREATE TABLE chunks (
  session_id TEXT NOT NULL REFERENCES sessions (id),
  seq INTEGER NOT NULL,
  first_frame INTEGER NOT NULL,
  frame_count INTEGER NOT NULL,
  first_t_us INTEGER NOT NULL,
  last_t_us INTEGER NOT NULL,
  file_offset INTEGER NOT NULL,
  length INTEGER NOT NULL,
  raw_length INTEGER NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
CREATE INDEX chunks_by_frame ON chunks (session_id, first_frame);
CREATE INDEX chunks_by_time ON chunks (session_id, first_t_us);

CREATE TABLE commands (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id),
  frame INTEGER NOT NULL,
  t_us INTEGER NOT NULL,
  text TEXT NOT NULL,
  decision TEXT NOT NULL,
  rule TEXT,
  actions_json TEXT
);
CREATE INDEX commands_by_session ON commands (session_id, frame);
-- Trigram: every word of a search is a case-insensitive substring, which suits SQL and shell text
-- (no word boundaries in "public.orders_2024"). @see https://sqlite.org/fts5.html#the_trigram_tokenizer
CREATE VIRTUAL TABLE commands_fts USING fts5 (
  text, content = 'commands', content_rowid = 'id', tokenize = 'trigram remove_diacritics 1'
);
CREATE TRIGGER commands_fts_insert AFTER INSERT ON commands
BEGIN INSERT INTO commands_fts (rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER commands_fts_delete AFTER DELETE ON commands
BEGIN INSERT INTO commands_fts (commands_fts, rowid, text) VALUES ('delete', old.id, old.text); END;

CREATE TABLE approvals (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id),
  principal TEXT NOT NULL,
  connection TEXT NOT NULL,
  statement TEXT NOT NULL,
  actions_json TEXT NOT NULL,
  rule TEXT NOT NULL,
  required_count INTEGER NOT NULL CHECK (required_count >= 1),
  approver_groups_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'cancelled')),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX approvals_by_status ON approvals (status, created_at, id);
CREATE INDEX approvals_by_session ON approvals (session_id, created_at, id);

CREATE TABLE approval_votes (
  approval_id TEXT NOT NULL REFERENCES approvals (id),
  approver TEXT NOT NULL,
  groups_json TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approve', 'deny')),
  reason TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (approval_id, approver)
) WITHOUT ROWID;

-- UNIQUE prev_hash: a second event linking to the same predecessor (a forked chain) cannot be inserted.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  time TEXT NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  session_id TEXT,
  connection TEXT,
  data_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_by_time ON audit_events (time);
CREATE INDEX audit_events_by_session ON audit_events (session_id, seq) WHERE session_id IS NOT NULL;
CREATE INDEX audit_events_by_type ON audit_events (type, seq);
${APPEND_ONLY_TRIGGERS}`,
  },
  {
    version: 2,
    name: 'the values of held statements, per run',
    sql: 'ALTER TABLE approvals ADD COLUMN runs_json TEXT',
  },
];

/**
 * Brings the schema to the newest version in one IMMEDIATE transaction, so two processes opening the same
 * file at once apply each migration exactly once. Refuses a database written by a newer Vigil.
 */
export function migrate(db: Database, logger: Logger, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > latest) {
      throw new StoreError('schema_too_new', `database schema is v${current}; this Vigil knows up to v${latest}`);
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      logger.info('store migration applied', { version: m.version, name: m.name });
    }
    return latest;
  });
  return run.immediate();
}

/**
 * The append-only triggers are the store's own guard; if someone dropped them (to edit rows), say so loudly
 * and put them back. The edit itself is caught by verifyAuditChain, not here.
 */
export function ensureAuditTriggers(db: Database, logger: Logger): void {
  const found = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
    .all() as { name: string }[];
  const names = new Set(found.map((t) => t.name));
  if (names.has('audit_events_no_update') && names.has('audit_events_no_delete')) return;
  logger.error('audit log append-only triggers were missing; recreating them', { found: [...names] });
  db.exec(APPEND_ONLY_TRIGGERS);
}
