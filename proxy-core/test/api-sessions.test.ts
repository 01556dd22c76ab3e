import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, startApiFixture, USERS } from '../src/api/testing/api-fixture';
import type { RecordedSession } from '../src/pipeline/recorded-session.types';
import {
  PgError,
  serializeAuthenticationOk,
  serializeCommandComplete,
  serializeDataRow,
  serializeQuery,
  serializeReadyForQuery,
  serializeRowDescription,
  serializeStartup,
} from '../src/protocols/postgres/codec';

const utf8 = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const textColumn = (name: string) => ({
  name,
  tableOid: 16384,
  attnum: 1,
  typeOid: 25,
  typeSize: -1,
  typeMod: -1,
  format: 0,
});

/** What a psql session looks like on the wire, recorded through the real pipeline and recorder. */
function recordQuery(s: RecordedSession, sql: string, rows: string[][]): void {
  const n = s.clientBytes(serializeQuery(sql));
  s.command({ frame: n, text: sql, decision: 'allow', rule: null });
  s.serverBytes(
    concat(
      serializeRowDescription(['id', 'email'].map(textColumn)),
      ...rows.map((r) => serializeDataRow(r.map(utf8))),
      serializeCommandComplete(`SELECT ${rows.length}`),
      serializeReadyForQuery('I'),
    ),
  );
}

async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Page {
  total: number;
  from: number;
  next: number | null;
  frames: Array<Record<string, unknown> & { n: number; kind: string }>;
}

describe('control API: sessions, frames and recordings', () => {
  let f: ApiFixture;
  let auditor: Record<string, string>;
  let approver: Record<string, string>;
  const ended: string[] = [];

  beforeAll(async () => {
    f = await startApiFixture();
    auditor = await bearer(f, USERS.auditor);
    approver = await bearer(f, USERS.approver);
    for (let i = 0; i < 5; i++) {
      const s = f.openSession({ sub: i === 3 ? 'agent-2' : 'agent-1' });
      s.clientBytes(serializeStartup({ user: 'agent-1', database: 'shop' }));
      s.serverBytes(concat(serializeAuthenticationOk(), serializeReadyForQuery('I')));
      recordQuery(s, i === 2 ? 'select id, email from customers where id = 7' : `select ${i}`, [
        [String(i), `user${i}@example.com`],
      ]);
      if (i === 2) s.serverBytes(PgError.error('42501', 'statement denied by policy').toBytes());
      s.annotate({ type: 'note', author: 'ops', text: `note ${i}` });
      await s.end('client disconnected');
      ended.push(s.id);
    }
  });
  afterAll(async () => {
    await f.close();
  });

  const json = async <T>(path: string, headers = auditor): Promise<T> => {
    const res = await f.get(path, { headers });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  it('lists sessions newest first, a page at a time, with an opaque cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/sessions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await json<{ sessions: { id: string; recording?: string }[]; nextCursor: string | null }>(query);
      expect(page.sessions.length).toBeLessThanOrEqual(2);
      for (const s of page.sessions) expect(s).not.toHaveProperty('recording');
      seen.push(...page.sessions.map((s) => s.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ended].reverse());
  });

  it('filters by principal, status and protocol, and searches the commands full text', async () => {
    const byPrincipal = await json<{ sessions: { id: string }[] }>('/api/sessions?principal=agent-2');
    expect(byPrincipal.sessions.map((s) => s.id)).toEqual([ended[3]]);
    const found = await json<{ sessions: { id: string; commands: number }[] }>('/api/sessions?q=CUSTOMERS%20where');
    expect(found.sessions.map((s) => s.id)).toEqual([ended[2]]);
    expect(found.sessions[0]?.commands).toBe(1);
    expect((await json<{ sessions: unknown[] }>('/api/sessions?q=nothing-like-this')).sessions).toEqual([]);
    expect((await json<{ sessions: unknown[] }>('/api/sessions?status=ended&protocol=postgres')).sessions).toHaveLength(
      5,
    );
    expect((await json<{ sessions: unknown[] }>('/api/sessions?status=live')).sessions).toHaveLength(0);
  });

  it('answers 400 for bad filters and cursors, 404 for an unknown session', async () => {
    for (const q of ['status=running', 'protocol=ftp', 'limit=0', 'limit=x', 'since=yesterday-ish', 'cursor=garbage']) {
      const res = await f.get(`/api/sessions?${q}`, { headers: auditor });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    }
    expect((await f.get('/api/sessions/ses_nope', { headers: auditor })).status).toBe(404);
  });

  it('decodes the frames of a recorded PostgreSQL session', async () => {
    const page = await json<Page>(`/api/sessions/${ended[2]}/frames`);
    expect(page.from).toBe(0);
    expect(page.next).toBeNull();
    expect(page.total).toBe(page.frames.length);
    const bytes = page.frames.filter((fr) => fr.kind === 'bytes');
    const types = bytes.map((fr) => (fr.messages as { type: string }[]).map((m) => m.type));
    expect(types).toEqual([
      ['StartupMessage'],
      ['AuthenticationOk', 'ReadyForQuery'],
      ['Query'],
      ['RowDescription', 'DataRow', 'CommandComplete', 'ReadyForQuery'],
      ['ErrorResponse'],
    ]);
    const [startup, , query, result, error] = bytes;
    expect(startup).toMatchObject({
      direction: 'client',
      channel: 0,
      messages: [{ fields: { params: { user: 'agent-1', database: 'shop' } } }],
    });
    expect(query).toMatchObject({
      messages: [{ type: 'Query', fields: { sql: 'select id, email from customers where id = 7' } }],
    });
    expect(query?.hex).toBe(
      Buffer.from(serializeQuery('select id, email from customers where id = 7')).toString('hex'),
    );
    expect(query?.size).toBe(serializeQuery('select id, email from customers where id = 7').length);
    const messages = result?.messages as { type: string; fields: Record<string, unknown> }[];
    expect(messages[0]?.fields.columns).toEqual([
      { name: 'id', typeOid: 25, tableOid: 16384, attnum: 1, format: 0 },
      { name: 'email', typeOid: 25, tableOid: 16384, attnum: 1, format: 0 },
    ]);
    expect(messages[1]?.fields).toEqual({ values: ['2', 'user2@example.com'] });
    expect(messages[2]?.fields).toEqual({ tag: 'SELECT 1' });
    expect(error).toMatchObject({
      direction: 'server',
      messages: [{ fields: { severity: 'ERROR', code: '42501', message: 'statement denied by policy' } }],
    });
    const annotations = page.frames
      .filter((fr) => fr.kind === 'annotation')
      .map((fr) => (fr.value as { type: string }).type);
    expect(annotations).toEqual(['command', 'note', 'session.end']);
    for (const fr of page.frames) expect(typeof fr.tUs).toBe('number');
  });

  it('pages frames with from/limit and filters annotations with kind=annotation', async () => {
    const all = await json<Page>(`/api/sessions/${ended[1]}/frames`);
    const first = await json<Page>(`/api/sessions/${ended[1]}/frames?from=0&limit=3`);
    expect(first.frames.map((fr) => fr.n)).toEqual([0, 1, 2]);
    expect(first.next).toBe(3);
    const rest = await json<Page>(`/api/sessions/${ended[1]}/frames?from=3&limit=100`);
    expect([...first.frames, ...rest.frames]).toEqual(all.frames);
    expect(rest.next).toBeNull();
    const past = await json<Page>(`/api/sessions/${ended[1]}/frames?from=9999`);
    expect(past).toEqual({ total: all.total, from: 9999, next: null, frames: [] });
    const notes = await json<Page>(`/api/sessions/${ended[1]}/frames?kind=annotation&limit=2`);
    expect(notes.frames.every((fr) => fr.kind === 'annotation')).toBe(true);
    expect(notes.frames).toHaveLength(2);
    const more = await json<Page>(`/api/sessions/${ended[1]}/frames?kind=annotation&from=${notes.next}`);
    expect([...notes.frames, ...more.frames]).toEqual(all.frames.filter((fr) => fr.kind === 'annotation'));
    expect((await f.get(`/api/sessions/${ended[1]}/frames?kind=bytes`, { headers: auditor })).status).toBe(400);
  });

  it('streams the raw .vrec, whole or a byte range', async () => {
    const path = f.temp.store.getSession(ended[0] ?? '')?.recording ?? '';
    const res = await f.get(`/api/sessions/${ended[0]}/recording`, { headers: auditor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${ended[0]}.vrec"`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(readFileSync(path))).toBe(true);
    const range = await f.get(`/api/sessions/${ended[0]}/recording`, { headers: { ...auditor, range: 'bytes=0-3' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(body.subarray(0, 4))).toBe(true);
    expect(range.headers.get('content-range')).toBe(`bytes 0-3/${body.length}`);
  });

  it('serves a live session: frames of flushed chunks, growing; notes, step mode and terminate, audited', async () => {
    const s = f.openSession();
    let terminatedBy: string | undefined;
    s.onTerminate((by) => {
      terminatedBy = by;
      void s.end(`terminated by ${by}`);
    });
    s.clientBytes(serializeStartup({ user: 'agent-1', database: 'shop' }));
    recordQuery(s, 'select 1', [['1', 'a@example.com']]);
    const firstTotal = await until(async () => (await json<Page>(`/api/sessions/${s.id}/frames`)).total >= 4 && true);
    expect(firstTotal).toBe(true);
    const live = await json<{ status: string; stepMode: boolean }>(`/api/sessions/${s.id}`);
    expect(live).toMatchObject({ status: 'live', stepMode: false });

    const note = await f.post(`/api/sessions/${s.id}/notes`, { text: 'watching this one' }, approver);
    expect(note.status).toBe(200);
    expect(await f.post(`/api/sessions/${s.id}/notes`, { text: '  ' }, approver).then((r) => r.status)).toBe(400);
    const step = await f.post(`/api/sessions/${s.id}/step-mode`, { enabled: true }, approver);
    expect(await step.json()).toEqual({ ok: true, stepMode: true });
    expect(s.stepMode).toBe(true);
    expect((await json<{ stepMode: boolean }>(`/api/sessions/${s.id}`)).stepMode).toBe(true);
    expect((await f.post(`/api/sessions/${s.id}/step-mode`, { enabled: 'yes' }, approver)).status).toBe(400);

    // Frames written after the first read show up once flushed (the cached reader is reopened).
    const annotations = await until(async () => {
      const page = await json<Page>(`/api/sessions/${s.id}/frames?kind=annotation`);
      const values = page.frames.map((fr) => fr.value as { type: string });
      return values.some((v) => v.type === 'step-mode') && values;
    });
    expect(annotations).toContainEqual({ type: 'note', author: 'dan', text: 'watching this one' });
    expect(annotations).toContainEqual({ type: 'step-mode', enabled: true, by: 'dan' });

    expect((await f.post(`/api/sessions/${s.id}/terminate`, {}, approver)).status).toBe(200);
    expect(terminatedBy).toBe('dan');
    await until(() => f.temp.store.getSession(s.id)?.status === 'ended');
    const audit = f.temp.store.listAudit({ sessionId: s.id, limit: 100 });
    expect(audit.map((e) => [e.type, e.actor])).toEqual(
      expect.arrayContaining([
        ['session.note', 'dan'],
        ['session.step_mode', 'dan'],
        ['session.terminate', 'dan'],
      ]),
    );

    for (const [action, body] of [
      ['terminate', {}],
      ['notes', { text: 'too late' }],
      ['step-mode', { enabled: false }],
    ] as const) {
      const res = await f.post(`/api/sessions/${s.id}/${action}`, body, approver);
      expect(res.status, action).toBe(409);
      expect(await res.json()).toEqual({ error: `session ${s.id} is not live` });
    }
  });

  it('reports a missing recording file as 404, not a crash', async () => {
    const s = f.openSession();
    await s.end('done');
    const { rmSync } = await import('node:fs');
    rmSync(f.temp.store.getSession(s.id)?.recording ?? '');
    expect((await f.get(`/api/sessions/${s.id}/frames`, { headers: auditor })).status).toBe(404);
    expect((await f.get(`/api/sessions/${s.id}/recording`, { headers: auditor })).status).toBe(404);
  });
});
