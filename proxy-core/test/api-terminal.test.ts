import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ApiServer, startApiServer } from '../src/api/api-server';
import { type ApiFixture, bearer, startApiFixture, USERS } from '../src/api/testing/api-fixture';
import { createTokenVerifier } from '../src/identity/token-verifier';
import { silentLogger } from '../src/logger';
import { eventually, type Harness, startHarness } from './support/gateway-harness';
import { freePort } from './support/pg-cluster';
import { startSshd, type TestSshd } from './support/sshd';

/**
 * The IDE's terminal tab: `WS /api/terminal` relays a PTY shell that the control API opens on the gateway's own SSH
 * listener as the signed-in human. Real peers throughout: Debian's sshd as the target, the whole gateway (policy
 * engine, recorder, store, audit), a real OIDC provider, and `ws` as the browser.
 */
let sshd: TestSshd;
let h: Harness;
let api: ApiServer;
const victimDir = mkdtempSync(join(tmpdir(), 'vigil-terminal-victim-'));
const victim = join(victimDir, 'keep-me');

const POLICY = {
  name: 'shell-policy',
  rules: [
    { match: { programs: ['rm'] }, action: 'deny' },
    { match: { programs: ['*'] }, action: 'allow' },
  ],
};

interface Event {
  type: string;
  [key: string]: unknown;
}

interface Terminal {
  ws: WebSocket;
  events: Event[];
  /** Everything the shell printed so far. */
  screen(): string;
  type(text: string): void;
  resize(cols: number, rows: number): void;
  waitFor(pattern: RegExp): Promise<string>;
  event(type: string): Promise<Event>;
  closed: Promise<{ code: number; reason: string }>;
}

function wsUrl(base: string, query: string): string {
  return `${base.replace(/^http/, 'ws')}/api/terminal?${query}`;
}

async function openTerminal(base: string, query: string, headers: Record<string, string>): Promise<Terminal> {
  const ws = new WebSocket(wsUrl(base, query), { headers });
  const events: Event[] = [];
  const output: Buffer[] = [];
  ws.on('message', (data, isBinary) => {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    if (isBinary) output.push(bytes);
    else events.push(JSON.parse(bytes.toString()) as Event);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const screen = () => Buffer.concat(output).toString();
  return {
    ws,
    events,
    screen,
    type: (text) => ws.send(Buffer.from(text)),
    resize: (cols, rows) => ws.send(JSON.stringify({ type: 'resize', cols, rows })),
    waitFor: (pattern) =>
      eventually(() => pattern.test(screen()) && screen(), 10_000).catch((e: Error) => {
        throw new Error(
          `${e.message}: ${pattern} not in ${JSON.stringify(screen())} (events ${JSON.stringify(events)})`,
        );
      }),
    event: (type) => eventually(() => events.find((e) => e.type === type), 10_000),
    closed,
  };
}

/** The HTTP status of a refused handshake. */
function refusal(base: string, query: string, headers: Record<string, string>, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(base, query), { headers, ...(origin ? { origin } : {}) });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('handshake was accepted')));
    ws.once('error', () => {});
  });
}

/** The `error` event of a terminal refused after the handshake (the socket then closes normally). */
async function refusedInBand(base: string, query: string, headers: Record<string, string>): Promise<string> {
  const t = await openTerminal(base, query, headers);
  expect((await t.closed).code).toBe(1000);
  const error = t.events.find((e) => e.type === 'error');
  return typeof error?.message === 'string' ? error.message : `no error event: ${JSON.stringify(t.events)}`;
}

const asAdmin = async () => ({ authorization: `Bearer ${await h.idp.tokenFor('admin-1')}` });

beforeAll(async () => {
  writeFileSync(victim, 'important');
  sshd = await startSshd();
  const upstream = {
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKeyFile: sshd.clientKeyFile,
    hostKey: sshd.hostKey,
  };
  h = await startHarness({
    policies: [POLICY],
    listen: { ssh: '127.0.0.1:0' },
    extraConnections: [
      { name: 'build-host', type: 'ssh', upstream, policy: 'shell-policy' },
      {
        name: 'dead-host',
        type: 'ssh',
        upstream: { ...upstream, port: await freePort() },
        policy: 'shell-policy',
      },
    ],
  });
  const ssh = h.gateway.ssh;
  if (!ssh) throw new Error('the harness started no SSH listener');
  // The control API as gateway.ts builds it, plus the SSH listener's address (until the composition root passes
  // `sshAddress` itself): the gateway's own store, hub, approvals and listeners, the IdP's tokens.
  api = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger,
    store: h.gateway.store,
    hub: h.gateway.hub,
    approvals: h.gateway.broker,
    verifier: createTokenVerifier({
      issuer: h.idp.issuer,
      audience: h.idp.audience,
      groupsClaim: 'groups',
      roles: h.config.auth.roles,
      logger: silentLogger,
      allowInsecureHttp: true,
    }),
    connections: h.config.connections.map((c) => ({ name: c.name, type: c.type })),
    postgresAddress: h.gateway.postgres.address,
    sshAddress: ssh.address,
    signingKey: { fingerprint: h.gateway.signingKey.fingerprint, publicKeyPem: h.gateway.signingKey.publicKeyPem },
  });
}, 180_000);

afterAll(async () => {
  await api?.close();
  await h?.stop();
  await sshd?.stop();
  rmSync(victimDir, { recursive: true, force: true });
});

describe('control API: WS /api/terminal', () => {
  it('refuses missing auth (401), agents (403), cross-site pages (403) and connections that are not ssh', async () => {
    const q = 'connection=build-host';
    expect(await refusal(api.url, q, {}, api.url)).toBe(401);
    expect(await refusal(api.url, q, { authorization: `Bearer ${await h.agentToken()}` })).toBe(403);
    expect(await refusal(api.url, q, await asAdmin(), 'http://evil.example')).toBe(403);
  });

  it('tells the IDE in the socket when the connection is unknown or not ssh (a browser sees no HTTP status)', async () => {
    expect(await refusedInBand(api.url, 'connection=nope', await asAdmin())).toBe('there is no connection named nope');
    expect(await refusedInBand(api.url, 'connection=shop', await asAdmin())).toMatch(/shop is a postgres connection/);
    expect(await refusedInBand(api.url, '', await asAdmin())).toBe('choose an ssh connection');
  });

  it('opens a PTY shell as the human, relays keys, output and resizes, and policy refuses rm', async () => {
    const t = await openTerminal(api.url, 'connection=build-host&cols=100&rows=30', await asAdmin());
    const ready = await t.event('ready');
    expect(ready).toMatchObject({ connection: 'build-host', sessionId: expect.any(String) });
    const sessionId = ready.sessionId as string;

    t.type('echo hi\r');
    await t.waitFor(/[\r\n]hi\r\n/);
    t.type('stty size\r');
    await t.waitFor(/[\r\n]30 100\r\n/);
    t.resize(120, 40);
    t.type('stty size\r');
    await t.waitFor(/[\r\n]40 120\r\n/);
    t.type(`rm -f ${victim}\r`);
    await t.waitFor(/vigil: Vigil policy: denied by rule shell-policy#1/);
    expect(existsSync(victim)).toBe(true);
    t.type('exit\r');
    expect(await t.event('exit')).toMatchObject({ code: 0 });
    expect((await t.closed).code).toBe(1000);

    const row = await eventually(() => {
      const s = h.gateway.store.getSession(sessionId);
      return s?.status === 'ended' && s;
    });
    expect(row).toMatchObject({ protocol: 'ssh', principal: 'admin-1', connection: 'build-host' });
    const page = (await (
      await fetch(`${api.url}/api/sessions/${sessionId}/frames?limit=5000`, { headers: await asAdmin() })
    ).json()) as {
      frames: Array<{ kind: string; cols?: number; rows?: number; value?: { type: string; [k: string]: unknown } }>;
    };
    const resizes = page.frames.flatMap((f) => (f.kind === 'resize' ? [[f.cols, f.rows]] : []));
    expect(resizes[0]).toEqual([100, 30]);
    expect(resizes).toContainEqual([120, 40]);
    const commands = page.frames.flatMap((f) =>
      f.value?.type === 'command' ? [[f.value.text, f.value.decision]] : [],
    );
    expect(commands).toEqual(
      expect.arrayContaining([
        ['echo hi', 'allow'],
        [`rm -f ${victim}`, 'deny'],
      ]),
    );

    const audit = h.gateway.store.listAudit({}).filter((e) => e.type.startsWith('terminal.'));
    expect(audit.map((e) => [e.type, e.actor, e.connection])).toEqual([
      ['terminal.open', 'admin-1', 'build-host'],
      ['terminal.close', 'admin-1', 'build-host'],
    ]);
    expect(audit[1]).toMatchObject({ sessionId, data: { reason: 'the shell ended', exitCode: 0 } });
  });

  it('hangs up the shell when the IDE closes the socket', async () => {
    const t = await openTerminal(api.url, 'connection=build-host', await asAdmin());
    const sessionId = (await t.event('ready')).sessionId as string;
    t.type('echo still-here\r');
    await t.waitFor(/[\r\n]still-here\r\n/);
    t.ws.close();
    await eventually(() => h.gateway.store.getSession(sessionId)?.status === 'ended');
    const closed = await eventually(() =>
      h.gateway.store.listAudit({ type: 'terminal.close', sessionId }).find((e) => e.sessionId === sessionId),
    );
    expect(closed.data).toMatchObject({ reason: 'closed in the IDE' });
  });

  it('shows why the gateway refuses the session, then closes', async () => {
    const t = await openTerminal(api.url, 'connection=dead-host', await asAdmin());
    await t.waitFor(/vigil: .*(refused|reach|connect)/i);
    expect(await t.event('exit')).toMatchObject({ code: 255 });
    expect((await t.closed).code).toBe(1000);
  });
});

describe('control API: WS /api/terminal without an SSH listener', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiFixture({ connections: [{ name: 'box', type: 'ssh' }] });
  });
  afterAll(async () => {
    await f.close();
  });

  it('says that listen.ssh is off, and needs the admin role', async () => {
    expect(await refusedInBand(f.url, 'connection=box', await bearer(f, USERS.admin))).toMatch(/listen\.ssh/);
    expect(await refusal(f.url, 'connection=box', await bearer(f, USERS.auditor))).toBe(403);
  });
});
