import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ApiFixture, bearer, startApiFixture, USERS } from '../src/api/testing/api-fixture';
import type { Principal } from '../src/identity/identity.types';
import { serializeQuery } from '../src/protocols/postgres/codec';
import { eventually } from './support/gateway-harness';

interface Message {
  type: string;
  [key: string]: unknown;
}

/** A live socket that collects what it receives. */
async function connect(url: string, headers: Record<string, string>, origin?: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/live`, { headers, ...(origin ? { origin } : {}) });
  const received: Message[] = [];
  ws.on('message', (data) => received.push(JSON.parse(data.toString()) as Message));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const next = async (pred: (m: Message) => boolean, ms = 3000): Promise<Message> => {
    const end = Date.now() + ms;
    for (;;) {
      const found = received.find(pred);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no matching message; got ${received.map((m) => m.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { ws, received, next, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

/** The HTTP status a refused handshake answered with. */
function refusal(url: string, headers: Record<string, string>, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/live`, { headers, ...(origin ? { origin } : {}) });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('handshake was accepted')));
    ws.once('error', () => {});
  });
}

describe('control API: WS /api/live', () => {
  let f: ApiFixture;
  let browser: { cookie: string; csrf: string };
  beforeAll(async () => {
    f = await startApiFixture();
    browser = await f.demoSignIn();
  });
  afterAll(async () => {
    await f.close();
  });

  it('refuses cross-site handshakes (Origin), missing auth (401) and agents (403)', async () => {
    expect(await refusal(f.url, { cookie: browser.cookie }, 'http://evil.example')).toBe(403);
    // A browser always sends Origin; a cookie without one is not a browser we can vouch for.
    expect(await refusal(f.url, { cookie: browser.cookie })).toBe(403);
    expect(await refusal(f.url, {}, f.url)).toBe(401);
    expect(await refusal(f.url, await bearer(f, USERS.agent))).toBe(403);
    // Scripts with a Bearer token send no Origin.
    const script = await connect(f.url, await bearer(f, USERS.auditor));
    script.ws.close();
  });

  it('sends session lifecycle to everyone and batched, decoded frames to watchers only', async () => {
    const watcher = await connect(f.url, { cookie: browser.cookie }, f.url);
    const bystander = await connect(f.url, await bearer(f, USERS.auditor));
    const s = f.openSession();
    const started = await watcher.next((m) => m.type === 'session.started');
    expect(started.session).toMatchObject({ id: s.id, status: 'live', principal: 'agent-1', stepMode: false });
    await bystander.next((m) => m.type === 'session.started');

    watcher.send({ type: 'watch', sessionId: s.id });
    await eventually(() => f.hub.isWatched(s.id));
    s.clientBytes(serializeQuery('select 42'));
    s.annotate({ type: 'note', author: 'ops', text: 'hello' });
    const batch = await watcher.next((m) => m.type === 'frames');
    expect(batch.sessionId).toBe(s.id);
    const frames = batch.frames as Record<string, unknown>[];
    expect(frames[0]).toMatchObject({
      kind: 'bytes',
      direction: 'client',
      messages: [{ type: 'Query', fields: { sql: 'select 42' } }],
    });
    expect(frames[1]).toMatchObject({ kind: 'annotation', value: { type: 'note', text: 'hello' } });

    watcher.send({ type: 'unwatch', sessionId: s.id });
    await eventually(() => !f.hub.isWatched(s.id));
    const before = watcher.received.filter((m) => m.type === 'frames').length;
    s.clientBytes(serializeQuery('select 43'));
    await new Promise((r) => setTimeout(r, 150));
    expect(watcher.received.filter((m) => m.type === 'frames').length).toBe(before);
    expect(bystander.received.some((m) => m.type === 'frames')).toBe(false);

    await s.end('client disconnected');
    const endedMsg = await watcher.next((m) => m.type === 'session.ended');
    expect(endedMsg.session).toMatchObject({ id: s.id, status: 'ended' });
    expect(endedMsg.session).not.toHaveProperty('recording');
    watcher.ws.close();
    bystander.ws.close();
  });

  it('throttles session.updated to at most 4 per second per session, keeping the last', async () => {
    const client = await connect(f.url, await bearer(f, USERS.auditor));
    const s = f.openSession();
    const row = f.temp.store.getSession(s.id);
    if (!row) throw new Error('no row');
    for (let i = 0; i < 20; i++) f.hub.updated({ ...row, frames: i });
    const updates = () =>
      client.received.filter((m) => m.type === 'session.updated' && (m.session as { id: string }).id === s.id);
    // The last one comes when the quarter second is up (later on a loaded machine): wait for it, then count.
    await client.next((m) => m.type === 'session.updated' && (m.session as { frames: number }).frames === 19);
    expect(updates().length).toBeLessThanOrEqual(3);
    expect(updates().at(-1)?.session).toMatchObject({ frames: 19 });
    await s.end('done');
    client.ws.close();
  });

  it('sends approval events to approvers and admins only', async () => {
    const approver = await connect(f.url, await bearer(f, USERS.approver));
    const auditor = await connect(f.url, await bearer(f, USERS.auditor));
    const s = f.openSession();
    const principal: Principal = {
      sub: 'agent-1',
      groups: ['ai-agents'],
      roles: ['agent'],
      issuer: 'x',
      expiresAt: 2e9,
    };
    const { request } = f.broker.request({
      sessionId: s.id,
      principal,
      connection: 'shop',
      statement: 'update t set x = 1',
      actions: [],
      rule: 'review writes',
      approvers: { groups: ['dba'], count: 1 },
      timeoutMs: 60_000,
    });
    const requested = await approver.next((m) => m.type === 'approval.requested');
    expect(requested.approval).toMatchObject({ id: request.id, status: 'pending', requestedAt: request.createdAt });
    f.broker.decide(request.id, { ...principal, sub: 'dan', groups: ['dba'], roles: ['approver'] }, 'approve', 'ok');
    await approver.next((m) => m.type === 'approval.decided');
    await new Promise((r) => setTimeout(r, 50));
    expect(auditor.received.some((m) => m.type.startsWith('approval.'))).toBe(false);
    await s.end('done');
    approver.ws.close();
    auditor.ws.close();
  });

  it('drops a socket that stops reading instead of buffering without bound', async () => {
    const slow = await connect(f.url, await bearer(f, USERS.auditor));
    const s = f.openSession();
    slow.send({ type: 'watch', sessionId: s.id });
    await eventually(() => f.hub.isWatched(s.id));
    // The client's TCP socket stops reading: what the server sends piles up in its buffers.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const data = new Uint8Array(4096).fill(0x41);
    for (let burst = 0; burst < 40 && f.hub.isWatched(s.id); burst++) {
      for (let i = 0; i < 500; i++)
        f.hub.frame(s.id, { n: burst * 500 + i, tUs: 0, kind: 'bytes', direction: 'server', channel: 0, data });
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(f.hub.isWatched(s.id)).toBe(false);
    slow.ws.terminate();
    await s.end('done');
  });

  it('closes a cookie socket when its session signs out', async () => {
    const session = await f.demoSignIn();
    const client = await connect(f.url, { cookie: session.cookie }, f.url);
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    await f.post('/auth/logout', {}, { cookie: session.cookie, 'x-csrf-token': session.csrf });
    expect(await closed).toBe(4401);
  });
});
