import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger';
import { openSqliteStore } from './sqlite-store';
import type { NewSession } from './store.types';
import { openTempStore, type TempStore } from './temp-store';

let temp: TempStore | undefined;
afterEach(() => {
  temp?.remove();
  temp = undefined;
});

function open(): TempStore {
  temp = openTempStore({ now: () => new Date('2030-01-01T00:00:00.000Z') });
  return temp;
}

const base: NewSession = {
  protocol: 'postgres',
  connection: 'orders-db',
  principal: 'agent-7',
  groups: ['ai-agents'],
  clientAddr: '127.0.0.1:50123',
  upstream: '127.0.0.1:5432/orders',
  recording: 'recordings/x.vrec',
};

describe('sessions', () => {
  it('creates, updates progress, ends and reads back', () => {
    const { store } = open();
    const s = store.createSession({ ...base, startedAt: '2030-01-01T01:00:00+01:00' });
    expect(s).toMatchObject({ startedAt: '2030-01-01T00:00:00.000Z', status: 'live', bytesIn: 0, endedAt: null });
    expect(s.id).toMatch(/^[0-9A-Z]{26}$/);
    store.updateSessionProgress(s.id, { bytesIn: 10, bytesOut: 20, frames: 3, chunks: 1, commands: 1 });
    store.updateSessionProgress(s.id, { bytesIn: 15, bytesOut: 40, frames: 5, chunks: 1, denials: 1 });
    expect(store.getSession(s.id)).toMatchObject({ bytesIn: 15, bytesOut: 40, frames: 5, commands: 1, denials: 1 });
    expect(store.liveSessions().map((x) => x.id)).toEqual([s.id]);
    const ended = store.endSession(s.id, {
      endedAt: '2030-01-01T00:05:00Z',
      status: 'ended',
      endReason: 'client terminated',
      finalHash: 'ab'.repeat(32),
      frames: 9,
    });
    expect(ended).toMatchObject({ status: 'ended', endedAt: '2030-01-01T00:05:00.000Z', frames: 9, bytesIn: 15 });
    expect(store.liveSessions()).toEqual([]);
    expect(store.getSession('nope')).toBeUndefined();
  });

  it('refuses progress or a second end once a session has ended, and unknown ids', () => {
    const { store } = open();
    const s = store.createSession({ ...base, id: 'fixed-id' });
    store.endSession(s.id, {
      endedAt: '2030-01-01T00:00:01Z',
      status: 'interrupted',
      endReason: 'crash',
      finalHash: null,
    });
    const p = { bytesIn: 1, bytesOut: 1, frames: 1, chunks: 1 };
    expect(() => store.updateSessionProgress(s.id, p)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() =>
      store.endSession(s.id, { endedAt: '2030-01-01T00:00:02Z', status: 'ended', endReason: null, finalHash: null }),
    ).toThrow(/interrupted, not live/);
    expect(() => store.updateSessionProgress('missing', p)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => store.createSession({ ...base, id: 'fixed-id' })).toThrow(
      expect.objectContaining({ code: 'conflict' }),
    );
  });

  it('rejects bad input with StoreError, not a raw SQLite error', () => {
    const { store } = open();
    expect(() => store.createSession({ ...base, protocol: 'ftp' as 'ssh' })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    expect(() => store.createSession({ ...base, startedAt: 'yesterday' })).toThrow(/not a date/);
    const s = store.createSession(base);
    expect(() => store.updateSessionProgress(s.id, { bytesIn: -1, bytesOut: 0, frames: 0, chunks: 0 })).toThrow(
      /bytesIn/,
    );
    expect(() => store.listSessions({ cursor: 'garbage' })).toThrow(expect.objectContaining({ code: 'bad_cursor' }));
    expect(() => store.listSessions({ limit: 0 })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('chunk index and commands', () => {
  it('finds the chunk for a frame and for a time', () => {
    const { store } = open();
    const s = store.createSession(base);
    // 100 chunks of 10 frames, 1000 µs apart, with an idle gap between chunks.
    for (let seq = 0; seq < 100; seq++) {
      store.addChunk(s.id, {
        seq,
        firstFrame: seq * 10,
        frameCount: 10,
        firstTUs: seq * 1000 + 100,
        lastTUs: seq * 1000 + 500,
        offset: 64 + seq * 300,
        length: 300,
        rawLength: 4000,
        hash: `h${seq}`,
      });
    }
    expect(store.chunks(s.id)).toHaveLength(100);
    expect(store.chunkForFrame(s.id, 0)?.seq).toBe(0);
    expect(store.chunkForFrame(s.id, 9)?.seq).toBe(0);
    expect(store.chunkForFrame(s.id, 10)?.seq).toBe(1);
    expect(store.chunkForFrame(s.id, 999)?.seq).toBe(99);
    expect(store.chunkForFrame(s.id, 1000)).toBeUndefined();
    expect(store.chunkForTime(s.id, 0)?.seq).toBe(0);
    expect(store.chunkForTime(s.id, 42_100)?.seq).toBe(42);
    expect(store.chunkForTime(s.id, 42_999)?.seq).toBe(42);
    expect(store.chunkForTime(s.id, 10 ** 9)?.seq).toBe(99);
    expect(store.chunkForTime('other', 5)).toBeUndefined();
  });

  it('uses an index for chunk lookups', () => {
    const { store, path } = open();
    store.createSession(base);
    const raw = new BetterSqlite3(path, { readonly: true });
    const plan = raw
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM chunks WHERE session_id = ? AND first_t_us <= ? ORDER BY first_t_us DESC, seq DESC LIMIT 1`,
      )
      .all('x', 1) as { detail: string }[];
    raw.close();
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING (COVERING )?INDEX chunks_by_time/);
  });

  it('accepts an identical chunk twice and refuses a different one', () => {
    const { store } = open();
    const s = store.createSession(base);
    const c = {
      seq: 0,
      firstFrame: 0,
      frameCount: 1,
      firstTUs: 0,
      lastTUs: 0,
      offset: 0,
      length: 1,
      rawLength: 1,
      hash: 'a',
    };
    store.addChunk(s.id, c);
    store.addChunk(s.id, c);
    expect(() => store.addChunk(s.id, { ...c, hash: 'b' })).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => store.addChunk('missing', c)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('writes chunks with their commands and progress in one transaction, each whole or not at all', () => {
    const { store } = open();
    const live = store.createSession(base);
    const ended = store.createSession(base);
    store.endSession(ended.id, { endedAt: '2030-01-01T00:00:02Z', status: 'ended', endReason: null, finalHash: null });
    const c = { seq: 0, firstFrame: 0, frameCount: 2, firstTUs: 0, lastTUs: 5, offset: 9, length: 4, rawLength: 8 };
    const command = { frame: 1, tUs: 5, text: 'SELECT 1', decision: 'allow' as const, rule: 'reads' };
    const progress = { bytesIn: 10, bytesOut: 20, frames: 2, chunks: 1, commands: 1 };
    const [ok, refused] = store.chunksWritten([
      { sessionId: live.id, chunk: { ...c, hash: 'a' }, commands: [command], progress },
      // The session is no longer live: its progress update fails, and its chunk and commands go with it.
      { sessionId: ended.id, chunk: { ...c, hash: 'b' }, commands: [command], progress },
    ]);
    expect(ok).toMatchObject({ id: live.id, bytesIn: 10, bytesOut: 20, frames: 2, chunks: 1 });
    expect(refused).toMatchObject({ code: 'conflict' });
    expect(store.chunks(live.id)).toHaveLength(1);
    expect(store.commands(live.id).map((x) => x.text)).toEqual(['SELECT 1']);
    expect(store.chunks(ended.id)).toHaveLength(0);
    expect(store.commands(ended.id)).toHaveLength(0);
  });

  it('stores commands in frame order with their decision', () => {
    const { store } = open();
    const s = store.createSession(base);
    store.addCommand(s.id, { frame: 7, tUs: 70, text: 'DELETE FROM orders', decision: 'review', rule: 'writes' });
    store.addCommand(s.id, { frame: 3, tUs: 30, text: 'SELECT 1', decision: 'allow', actions: { kinds: ['select'] } });
    expect(store.commands(s.id)).toEqual([
      {
        sessionId: s.id,
        frame: 3,
        tUs: 30,
        text: 'SELECT 1',
        decision: 'allow',
        rule: null,
        actions: { kinds: ['select'] },
      },
      {
        sessionId: s.id,
        frame: 7,
        tUs: 70,
        text: 'DELETE FROM orders',
        decision: 'review',
        rule: 'writes',
        actions: null,
      },
    ]);
    expect(() => store.addCommand('missing', { frame: 1, tUs: 1, text: 'x', decision: 'allow' })).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
  });
});

describe('approvals', () => {
  const request = (id: string, sessionId: string) => ({
    id,
    sessionId,
    principal: 'agent-7',
    connection: 'orders-db',
    statement: 'DELETE FROM orders WHERE id = 1',
    actions: { statements: ['delete'] },
    rule: 'writes',
    requiredCount: 2,
    approverGroups: ['dba'],
    expiresAt: '2030-01-01T00:10:00Z',
  });
  const at = '2030-01-01T00:01:00Z';

  it('records votes through the state machine until decided', () => {
    const { store } = open();
    const s = store.createSession(base);
    const a = store.createApproval(request('ap-1', s.id));
    expect(a).toMatchObject({ status: 'pending', createdAt: '2030-01-01T00:00:00.000Z', votes: [], decidedAt: null });
    const v1 = { approver: 'alice', groups: ['dba'], decision: 'approve', reason: 'ok', at } as const;
    expect(store.recordApprovalVote('ap-1', v1).status).toBe('pending');
    expect(() => store.recordApprovalVote('ap-1', v1)).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
    expect(() => store.recordApprovalVote('ap-1', { ...v1, approver: 'agent-7' })).toThrow(/own request/);
    const done = store.recordApprovalVote('ap-1', { ...v1, approver: 'bob', reason: null });
    expect(done).toMatchObject({ status: 'approved', decidedAt: '2030-01-01T00:01:00.000Z' });
    expect(done.votes.map((v) => v.approver)).toEqual(['alice', 'bob']);
    expect(() => store.setApprovalStatus('ap-1', 'cancelled', at)).toThrow(/request is approved/);
    expect(() => store.recordApprovalVote('nope', v1)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('keeps the values of each run a request covers; none is an empty list', () => {
    const { store } = open();
    const s = store.createSession(base);
    const runs = [
      ['42', null, "it's"],
      ['43', 'x', null],
    ];
    expect(store.createApproval({ ...request('ap-1', s.id), runs }).runs).toEqual(runs);
    expect(store.getApproval('ap-1')?.runs).toEqual(runs);
    expect(store.createApproval(request('ap-2', s.id)).runs).toEqual([]);
  });

  it('expires, cancels and lists by status and session', () => {
    const { store } = open();
    const s = store.createSession(base);
    const t = store.createSession({ ...base, id: 'other' });
    store.createApproval({ ...request('ap-1', s.id), createdAt: '2030-01-01T00:00:01Z' });
    store.createApproval({ ...request('ap-2', s.id), createdAt: '2030-01-01T00:00:02Z' });
    store.createApproval({ ...request('ap-3', t.id), createdAt: '2030-01-01T00:00:03Z' });
    expect(() => store.setApprovalStatus('ap-1', 'expired', at)).toThrow(/does not expire until/);
    expect(store.setApprovalStatus('ap-1', 'expired', '2030-01-01T00:10:00Z').status).toBe('expired');
    store.setApprovalStatus('ap-2', 'cancelled', at);
    store.recordApprovalVote('ap-3', { approver: 'carol', groups: ['dba'], decision: 'approve', reason: null, at });
    expect(store.listApprovals({ status: 'pending' }).map((a) => [a.id, a.votes.length])).toEqual([['ap-3', 1]]);
    expect(store.listApprovals({ sessionId: s.id }).map((a) => a.id)).toEqual(['ap-2', 'ap-1']);
    expect(store.listApprovals({ limit: 1 }).map((a) => a.id)).toEqual(['ap-3']);
    expect(store.getApproval('ap-2')).toMatchObject({ status: 'cancelled', actions: { statements: ['delete'] } });
  });

  it('refuses requests no one could decide, or for unknown sessions', () => {
    const { store } = open();
    const s = store.createSession(base);
    expect(() => store.createApproval({ ...request('x', s.id), approverGroups: [] })).toThrow(/approverGroups/);
    expect(() => store.createApproval({ ...request('x', s.id), requiredCount: 0 })).toThrow(/requiredCount/);
    expect(() => store.createApproval(request('x', 'missing'))).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

describe('opening', () => {
  it('brings a database of the first schema up to date, its approval requests kept (without values)', () => {
    const { path, store } = open();
    store.close();
    const raw = new BetterSqlite3(path);
    // What the first release left: schema v1, a request in it.
    raw.exec('ALTER TABLE approvals DROP COLUMN runs_json; DELETE FROM schema_migrations WHERE version > 1');
    raw
      .prepare(`INSERT INTO sessions (id, protocol, connection, principal, groups_json, client_addr, upstream, started_at,
        status, recording) VALUES ('s1', 'postgres', 'c', 'agent-7', '[]', '127.0.0.1', 'u', '2030-01-01T00:00:00Z',
        'live', '/r.vrec')`)
      .run();
    raw
      .prepare(`INSERT INTO approvals (id, session_id, principal, connection, statement, actions_json, rule,
        required_count, approver_groups_json, status, created_at, expires_at)
        VALUES ('old', 's1', 'agent-7', 'c', 'DELETE FROM t', '[]', 'r', 1, '["dba"]', 'pending', '2030-01-01T00:00:00Z',
        '2030-01-01T00:10:00Z')`)
      .run();
    raw.close();
    const upgraded = openSqliteStore({ path, logger: silentLogger });
    expect(upgraded.getApproval('old')).toMatchObject({ statement: 'DELETE FROM t', runs: [] });
    expect(upgraded.createApproval({ ...upgradedRequest, sessionId: 's1' }).runs).toEqual([['7']]);
    upgraded.close();
  });

  it('uses WAL, keeps data across reopen and applies migrations once', () => {
    const { path, store } = open();
    const id = store.createSession(base).id;
    store.close();
    const again = openSqliteStore({ path, logger: silentLogger });
    expect(again.getSession(id)?.principal).toBe('agent-7');
    again.close();
    const raw = new BetterSqlite3(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT version FROM schema_migrations').all()).toEqual([{ version: 1 }, { version: 2 }]);
    raw.prepare("INSERT INTO schema_migrations VALUES (99, 'future', '2031-01-01')").run();
    raw.close();
    expect(() => openSqliteStore({ path, logger: silentLogger })).toThrow(
      expect.objectContaining({ code: 'schema_too_new' }),
    );
  });
});

const upgradedRequest = {
  id: 'new',
  principal: 'agent-7',
  connection: 'c',
  statement: 'DELETE FROM t WHERE id = $1',
  runs: [['7']],
  actions: [],
  rule: 'r',
  requiredCount: 1,
  approverGroups: ['dba'],
  expiresAt: '2030-01-01T00:10:00Z',
};
