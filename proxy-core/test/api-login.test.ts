import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, cookiePair, startApiFixture, TEST_ROLES } from '../src/api/testing/api-fixture';
import { createTokenVerifier } from '../src/identity/token-verifier';
import { silentLogger } from '../src/logger';
import { IDE_CLIENT, IDE_REDIRECT_URI, startTestIdp, type TestIdp } from './support/oidc-provider';

describe('control API: sign-in with OIDC authorization code + PKCE (real oidc-provider)', () => {
  let idp: TestIdp;
  let f: ApiFixture;
  beforeAll(async () => {
    idp = await startTestIdp({ audience: 'vigil' });
    const verifier = createTokenVerifier({
      issuer: idp.issuer,
      audience: 'vigil',
      groupsClaim: 'groups',
      roles: TEST_ROLES,
      logger: silentLogger,
      allowInsecureHttp: true,
    });
    f = await startApiFixture({
      verifier,
      devIssuer: undefined,
      humanLogin: {
        issuer: idp.issuer,
        clientId: IDE_CLIENT.id,
        clientSecret: IDE_CLIENT.secret,
        redirectUri: IDE_REDIRECT_URI,
        allowInsecureHttp: true,
      },
    });
  });
  afterAll(async () => {
    await f.close();
    await idp.close();
  });

  /** Starts at /auth/login like a browser, lets the IdP log `sub` in, and returns what the callback answered. */
  async function signIn(sub: string, returnTo = '/sessions') {
    const start = await f.get(`/auth/login?return=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorizationUrl = start.headers.get('location') ?? '';
    expect(new URL(authorizationUrl).origin).toBe(idp.issuer);
    expect(new URL(authorizationUrl).searchParams.get('code_challenge_method')).toBe('S256');
    const loginCookie = cookiePair(start.headers.getSetCookie(), 'vigil_login');
    expect(start.headers.getSetCookie().join()).toMatch(/vigil_login=[^;]+; Path=\/auth; HttpOnly; SameSite=Lax/);
    const callback = await idp.login(authorizationUrl, sub);
    const res = await f.get(`/auth/callback${callback.search}`, { headers: { cookie: loginCookie } });
    return { res, callback, loginCookie };
  }

  it('signs a person in end to end and maps their groups to roles', async () => {
    const { res } = await signIn('alice', '/approvals');
    expect(res.status).toBe(200);
    expect(res.headers.get('refresh')).toBe('0;url=/approvals');
    expect(await res.text()).toContain('Signed in as Alice Admin');
    const cookie = cookiePair(res.headers.getSetCookie(), 'vigil_session');
    expect(cookie).toMatch(/^vigil_session=[\w-]{43}$/);
    const me = (await (await f.get('/api/me', { headers: { cookie } })).json()) as Record<string, unknown>;
    expect(me).toMatchObject({
      principal: { sub: 'alice', name: 'Alice Admin', groups: ['vigil-admins', 'dba'], roles: ['admin', 'approver'] },
      demo: false,
    });
    expect(f.temp.store.listAudit({ type: 'auth.login' }).at(-1)).toMatchObject({
      actor: 'alice',
      data: { method: 'oidc' },
    });
  });

  it('gives an auditor read access but not approvals', async () => {
    const { res } = await signIn('bob');
    const cookie = cookiePair(res.headers.getSetCookie(), 'vigil_session');
    expect((await f.get('/api/sessions', { headers: { cookie } })).status).toBe(200);
    expect((await f.get('/api/approvals', { headers: { cookie } })).status).toBe(403);
  });

  it('refuses a replayed callback and a callback from another browser', async () => {
    const { res, callback, loginCookie } = await signIn('alice');
    expect(res.status).toBe(200);
    const replay = await f.get(`/auth/callback${callback.search}`, { headers: { cookie: loginCookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('not valid any more');

    const start = await f.get('/auth/login', { redirect: 'manual' });
    const other = await idp.login(start.headers.get('location') ?? '', 'alice');
    const stolen = await f.get(`/auth/callback${other.search}`, { headers: { cookie: 'vigil_login=someone-else' } });
    expect(stolen.status).toBe(400);
    expect(stolen.headers.getSetCookie().some((c) => c.startsWith('vigil_session='))).toBe(false);
  });

  it('offers no demo sign-in when an IdP is configured', async () => {
    expect(
      (await f.post('/auth/demo-login', 'nonce=x', { 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(404);
  });
});
