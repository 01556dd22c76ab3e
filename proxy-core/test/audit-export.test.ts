import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeAuditHash } from '@vigil/recordings';
import Database, { type Database as SqliteDatabase } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/audit/audit.types';
import { AuditCheckpointer, CHECKPOINT_EVENT, writeAuditCheckpoint } from '../src/audit/audit-checkpoint';
import { checkAuditLog } from '../src/audit/audit-log-check';
import { sha256Hex } from '../src/audit/node-sha256';
import { toOcsf } from '../src/audit/ocsf';
import { auditCommand } from '../src/cli/audit-command';
import type { CliIo } from '../src/cli/cli-io';
import { silentLogger } from '../src/logger';
import { loadOrCreateSigningKey, type SigningKey } from '../src/recording/signing-key';
import { openTempStore, type TempStore } from '../src/store/temp-store';

let temp: TempStore;
let key: SigningKey;

beforeEach(() => {
  temp = openTempStore();
  key = loadOrCreateSigningKey(join(temp.dir, 'keys'));
  const s = temp.store;
  s.appendAudit({
    type: 'auth.failure',
    actor: 'mallory',
    connection: 'shop',
    data: { protocol: 'postgres', clientAddr: '10.1.2.3:5555', code: 'expired', reason: 'token expired' },
    time: '2025-01-01T10:00:00.000Z',
  });
  s.appendAudit({
    type: 'session.start',
    actor: 'agent-1',
    sessionId: 'ses_pg',
    connection: 'shop',
    data: { protocol: 'postgres', clientAddr: '127.0.0.1:40000' },
    time: '2025-01-01T10:00:01.000Z',
  });
  s.appendAudit({
    type: 'statement',
    actor: 'agent-1',
    sessionId: 'ses_pg',
    connection: 'shop',
    data: { text: 'drop table orders', decision: 'deny', rule: 'ddl', reason: 'DDL is denied' },
    time: '2025-01-01T10:00:02.000Z',
  });
  s.appendAudit({
    type: 'approval.requested',
    actor: 'agent-1',
    sessionId: 'ses_pg',
    connection: 'shop',
    data: { requestId: 'apr_1' },
    time: '2025-01-01T10:00:03.000Z',
  });
  s.appendAudit({
    type: 'approval.decided',
    actor: 'alice',
    sessionId: 'ses_pg',
    connection: 'shop',
    data: { requestId: 'apr_1', decision: 'approve' },
    time: '2025-01-01T10:00:04.000Z',
  });
  s.appendAudit({
    type: 'session.start',
    actor: 'agent-2',
    sessionId: 'ses_ssh',
    connection: 'build-host',
    data: { protocol: 'ssh' },
    time: '2025-01-02T10:00:00.000Z',
  });
  s.appendAudit({
    type: 'session.end',
    actor: 'agent-2',
    sessionId: 'ses_ssh',
    connection: 'build-host',
    data: { status: 'ended' },
    time: '2025-01-02T10:05:00.000Z',
  });
});

afterEach(() => temp.remove());

const events = () => temp.store.listAudit({ limit: 1000 });

describe('OCSF mapping', () => {
  it('maps each kind of event to its OCSF class and activity, keeping the chained event', () => {
    const protocolOf = (id: string) => (id === 'ses_ssh' ? 'ssh' : 'postgres');
    const mapped = events().map((e) => toOcsf(e, { protocolOf }));
    expect(mapped.map((m) => [m.class_uid, m.activity_id, m.type_uid, m.status])).toEqual([
      [3002, 1, 300201, 'Failure'], // auth.failure: Authentication / Logon
      [6005, 3, 600503, 'Success'], // session.start postgres: Datastore Activity / Connect
      [6005, 4, 600504, 'Failure'], // denied statement: Datastore Activity / Query
      [6003, 1, 600301, 'Success'], // approval.requested: API Activity / Create
      [6003, 3, 600303, 'Success'], // approval.decided: API Activity / Update
      [4007, 1, 400701, 'Success'], // ssh session.start: SSH Activity / Open
      [4007, 2, 400702, 'Success'], // ssh session.end (protocol looked up): SSH Activity / Close
    ]);
    const [auth, , statement] = mapped;
    expect(auth).toMatchObject({
      category_uid: 3,
      user: { uid: 'mallory' },
      status_detail: 'token expired',
      src_endpoint: { ip: '10.1.2.3', port: 5555 },
      severity_id: 3,
    });
    expect(statement).toMatchObject({
      query_info: { query_string: 'drop table orders' },
      database: { name: 'shop' },
      status_detail: 'deny (rule ddl): DDL is denied',
    });
    expect(statement?.metadata).toMatchObject({
      version: '1.3.0',
      product: { name: 'Vigil' },
      sequence: 3,
      uid: events()[2]?.id,
      correlation_uid: 'ses_pg',
    });
    expect(
      mapped.every((m, i) => m.unmapped.vigil === events()[i] || m.unmapped.vigil.hash === events()[i]?.hash),
    ).toBe(true);
    expect(mapped[0]?.time).toBe(Date.parse('2025-01-01T10:00:00.000Z'));
  });
});

describe('vigil audit export', () => {
  it('writes OCSF (default) or the chained events, optionally --since, to stdout or -o', async () => {
    const io = capture();
    expect(await auditCommand(['export', '--data-dir', temp.dir], io)).toBe(0);
    const ocsf = io.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(ocsf).toHaveLength(7);
    expect(ocsf[5]).toMatchObject({ class_uid: 4007, unmapped: { vigil: { sessionId: 'ses_ssh' } } });

    const out = capture();
    expect(
      await auditCommand(
        ['export', '--data-dir', temp.dir, '--format', 'jsonl', '--since', '2025-01-02', '-o', 'audit.jsonl'],
        out,
      ),
    ).toBe(0);
    const raw = readFileSync(join(temp.dir, 'audit.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEvent);
    expect(raw.map((e) => e.seq)).toEqual([6, 7]);
    expect(raw[0]).toEqual(events()[5]);

    await expect(auditCommand(['export', '--data-dir', temp.dir, '--format', 'xml'], capture())).rejects.toThrow(
      /--format must be ocsf or jsonl/,
    );
    await expect(auditCommand(['export', '--data-dir', temp.dir, '--since', 'yesterday'], capture())).rejects.toThrow(
      /is not a date/,
    );
  });
});

describe('vigil audit verify and signed checkpoints', () => {
  it('passes an intact log with checkpoints, pinned to the gateway key', async () => {
    expect(writeAuditCheckpoint(temp.store, key)?.data).toMatchObject({ seq: 7, keyFingerprint: key.fingerprint });
    temp.store.appendAudit({ type: 'statement', actor: 'agent-1', data: {} });
    writeAuditCheckpoint(temp.store, key);
    const io = capture();
    expect(await auditCommand(['verify', '--data-dir', temp.dir], io)).toBe(0);
    expect(io.stdout).toMatch(/^audit log intact: 10 events, 2 signed checkpoint\(s\); head seq 10 [0-9a-f]{64}\n$/);
  });

  it('names the first bad seq and why: an edited event', async () => {
    tamper((db) =>
      db.prepare('UPDATE audit_events SET data_json = ? WHERE seq = 3').run('{"text":"select 1","decision":"allow"}'),
    );
    const io = capture();
    expect(await auditCommand(['verify', '--data-dir', temp.dir], io)).toBe(1);
    expect(io.stdout).toMatch(
      /^audit log NOT intact: first bad event is seq 3: hash mismatch: stored [0-9a-f]{64}, computed [0-9a-f]{64} \(event was altered\)\n {2}2 events before it verified/,
    );
  });

  it('names the first bad seq and why: a removed event', async () => {
    tamper((db) => db.prepare('DELETE FROM audit_events WHERE seq = 4').run());
    const io = capture();
    expect(await auditCommand(['verify', '--data-dir', temp.dir], io)).toBe(1);
    expect(io.stdout).toMatch(/first bad event is seq 5: seq 5 follows seq 3: events are missing or out of order/);
  });

  it('a consistently rewritten chain still verifies link by link, but not against a signed checkpoint', async () => {
    writeAuditCheckpoint(temp.store, key);
    // Rewrite event 3 and re-hash everything after it: every link checks, only the signature can tell.
    tamper((db) => {
      const rows = db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as Array<Record<string, unknown>>;
      let prev = '';
      for (const r of rows) {
        const seq = r.seq as number;
        const data = seq === 3 ? { text: 'select 1', decision: 'allow' } : JSON.parse(r.data_json as string);
        const prevHash = seq === 1 ? (r.prev_hash as string) : prev;
        const event = {
          seq,
          id: r.id as string,
          time: r.time as string,
          type: r.type as string,
          actor: r.actor as string,
          ...(r.session_id ? { sessionId: r.session_id as string } : {}),
          ...(r.connection ? { connection: r.connection as string } : {}),
          data,
          prevHash,
        };
        const hash = computeAuditHash(event, sha256Hex);
        db.prepare('UPDATE audit_events SET data_json = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(
          JSON.stringify(data),
          prevHash,
          hash,
          seq,
        );
        prev = hash;
      }
    });
    const result = checkAuditLog(temp.store, { trustedKey: key.publicKey });
    expect(result).toMatchObject({ ok: false, firstBadSeq: 8 });
    expect(result.problem).toMatch(
      /^checkpoint signed hash [0-9a-f]{64} for seq 7, the log has [0-9a-f]{64}: the log was rewritten$/,
    );
  });

  it('refuses a checkpoint signed by another key when the gateway key is pinned', () => {
    const other = loadOrCreateSigningKey(join(temp.dir, 'other-keys'));
    writeAuditCheckpoint(temp.store, other);
    expect(checkAuditLog(temp.store, { trustedKey: key.publicKey })).toMatchObject({
      ok: false,
      firstBadSeq: 8,
      problem: expect.stringMatching(/not the trusted key/),
    });
    expect(checkAuditLog(temp.store).ok).toBe(true);
  });

  it('AuditCheckpointer writes one every N events or T minutes, and only when there is something new', () => {
    let now = Date.parse('2025-01-03T00:00:00.000Z');
    const cp = new AuditCheckpointer({
      store: temp.store,
      signingKey: key,
      logger: silentLogger,
      everyEvents: 5,
      everyMs: 60_000,
      now: () => new Date(now),
    });
    expect(cp.maybeCheckpoint()?.seq).toBe(8); // 7 events since none
    expect(cp.maybeCheckpoint()).toBeUndefined();
    for (let i = 0; i < 4; i++) temp.store.appendAudit({ type: 'statement', actor: 'a', data: {} });
    expect(cp.maybeCheckpoint()).toBeUndefined(); // 4 < 5, and no time has passed
    now += 61_000;
    expect(cp.maybeCheckpoint()?.type).toBe(CHECKPOINT_EVENT);
    now += 120_000;
    expect(cp.maybeCheckpoint()).toBeUndefined(); // nothing new since
    expect(checkAuditLog(temp.store, { trustedKey: key.publicKey })).toMatchObject({ ok: true, checkpoints: 2 });
  });
});

/** Edits the log behind the store's back (its triggers refuse UPDATE and DELETE, as they should). */
function tamper(fn: (db: SqliteDatabase) => void): void {
  const db = new Database(temp.path);
  db.exec('DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_events_no_delete;');
  fn(db);
  db.close();
}

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => {
      io.stdout += t;
    },
    err: (t: string) => {
      io.stderr += t;
    },
    env: {},
    cwd: temp.dir,
  };
  return io;
}
