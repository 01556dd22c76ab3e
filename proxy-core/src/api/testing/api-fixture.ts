// Test fixture for the control API: a real server over a real SQLite store, SessionHub, ApprovalBroker,
// development issuer and session recorder. Only the gateway's listeners are absent; sessions are driven
// through the same pipeline (openRecordedSession) the PostgreSQL listener uses.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, publicKeyToPem } from '@vigil/recordings';
import { ApprovalBroker } from '../../approvals/approval-broker';
import { createDevIssuer, type DevIssuer } from '../../identity/dev-issuer';
import type { Principal } from '../../identity/identity.types';
import { createTokenVerifier, type TokenVerifier } from '../../identity/token-verifier';
import { silentLogger } from '../../logger';
import { openRecordedSession, type PipelineDeps } from '../../pipeline/open-recorded-session';
import type { RecordedSession } from '../../pipeline/recorded-session.types';
import { SessionHub } from '../../pipeline/session-events';
import { createSessionRecorder } from '../../recording/session-recorder';
import { createZstdCompressor } from '../../recording/zstd-compressor';
import { openTempStore, type TempStore } from '../../store/temp-store';
import { type ApiServer, type ApiServerOptions, startApiServer } from '../api-server';

export const TEST_ROLES = { admin: ['vigil-admins'], approver: ['dba'], auditor: ['security'], agent: ['ai-agents'] };

export interface ApiFixture {
  api: ApiServer;
  url: string;
  temp: TempStore;
  hub: SessionHub;
  broker: ApprovalBroker;
  devIssuer: DevIssuer;
  verifier: TokenVerifier;
  /** A development-issuer token for `sub` with `groups`. */
  token(sub: string, groups: string[]): Promise<string>;
  /** The recorded-session pipeline, to drive sessions or start a real listener on it. */
  pipeline: PipelineDeps;
  /** `fetch` against the API. */
  get(path: string, init?: RequestInit): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Signs in through the demo page (as a browser would) and returns the cookie and CSRF token. */
  demoSignIn(): Promise<{ cookie: string; csrf: string }>;
  /** A live session recorded through the real pipeline. */
  openSession(opts?: { sub?: string; connection?: string; protocol?: 'postgres' | 'ssh' }): RecordedSession;
  close(): Promise<void>;
}

export const USERS = {
  admin: { sub: 'ada', groups: ['vigil-admins'] },
  approver: { sub: 'dan', groups: ['dba'] },
  auditor: { sub: 'sue', groups: ['security'] },
  agent: { sub: 'agent-1', groups: ['ai-agents'] },
} as const;

export async function startApiFixture(overrides: Partial<ApiServerOptions> = {}): Promise<ApiFixture> {
  const temp = openTempStore();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-api-'));
  const recordingsDir = join(dir, 'recordings');
  mkdirSync(recordingsDir);
  const devIssuer = createDevIssuer({
    keysDir: join(dir, 'keys'),
    issuerUrl: 'http://127.0.0.1:9/dev-issuer',
    audience: 'vigil',
  });
  const verifier = createTokenVerifier({
    issuer: devIssuer.issuerUrl,
    audience: 'vigil',
    groupsClaim: 'groups',
    roles: TEST_ROLES,
    jwks: devIssuer.jwks,
    logger: silentLogger,
  });
  const hub = new SessionHub();
  const broker = new ApprovalBroker({ store: temp.store, logger: silentLogger, pollMs: 50 });
  const key = generateSigningKey();
  const compressor = createZstdCompressor();
  const api = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger,
    store: temp.store,
    hub,
    approvals: broker,
    verifier,
    devIssuer,
    connections: [{ name: 'shop', type: 'postgres' }],
    postgresAddress: { host: '127.0.0.1', port: 9 },
    signingKey: { fingerprint: 'SHA256:test', publicKeyPem: publicKeyToPem(key.publicKey) },
    ...overrides,
  });
  const pipeline: PipelineDeps = {
    store: temp.store,
    recordingsDir,
    events: hub,
    logger: silentLogger,
    keyFingerprint: 'SHA256:test',
    createRecorder: (r) =>
      createSessionRecorder({
        path: r.path,
        header: r.header,
        compressor,
        signingKey: key,
        clock: () => Number(process.hrtime.bigint() / 1000n),
        logger: silentLogger,
        onChunk: r.onChunk,
        onError: r.onError,
        flushIntervalMs: 10,
      }),
  };
  const token = (sub: string, groups: string[]) => devIssuer.mint({ sub, groups });
  const url = api.url;

  const fixture: ApiFixture = {
    api,
    url,
    temp,
    hub,
    broker,
    devIssuer,
    verifier,
    pipeline,
    token,
    get: (path, init) => fetch(`${url}${path}`, init),
    post: (path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async demoSignIn() {
      const page = await fetch(`${url}/auth/login?return=/sessions`);
      const html = await page.text();
      const nonce = /name="nonce" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const loginCookie = cookiePair(page.headers.getSetCookie(), 'vigil_login');
      const res = await fetch(`${url}/auth/demo-login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie, origin: url },
        body: new URLSearchParams({ nonce, return: '/sessions' }),
      });
      const cookie = cookiePair(res.headers.getSetCookie(), 'vigil_session');
      const me = (await (await fetch(`${url}/api/me`, { headers: { cookie } })).json()) as { csrf: string };
      return { cookie, csrf: me.csrf };
    },
    openSession(opts = {}) {
      const sub = opts.sub ?? USERS.agent.sub;
      const principal: Principal = {
        sub,
        groups: ['ai-agents'],
        roles: ['agent'],
        issuer: devIssuer.issuerUrl,
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      };
      return openRecordedSession(pipeline, {
        protocol: opts.protocol ?? 'postgres',
        connection: opts.connection ?? 'shop',
        principal,
        clientAddr: '127.0.0.1:50000',
        upstream: '127.0.0.1:5432/shop',
      });
    },
    async close() {
      broker.close();
      await api.close();
      temp.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** `name=value` of the cookie `name` among Set-Cookie lines ('' when absent). */
export function cookiePair(setCookies: string[], name: string): string {
  for (const line of setCookies) {
    const pair = line.split(';')[0] ?? '';
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return '';
}

/** Authorization header for a dev-issuer token. */
export async function bearer(
  f: ApiFixture,
  user: { sub: string; groups: readonly string[] },
): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await f.token(user.sub, [...user.groups])}` };
}
