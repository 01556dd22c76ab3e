import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, cookiePair, startApiFixture, USERS } from '../src/api/testing/api-fixture';

/** Every endpoint with a harmless request and the roles it admits. */
const ENDPOINTS: { method: 'GET' | 'POST'; path: string; body?: unknown; roles: string[] }[] = [
  { method: 'GET', path: '/api/me', roles: ['admin', 'approver', 'auditor'] },
  { method: 'GET', path: '/api/sessions', roles: ['admin', 'approver', 'auditor'] },
  { method: 'GET', path: '/api/sessions/nope', roles: ['admin', 'approver', 'auditor'] },
  { method: 'GET', path: '/api/sessions/nope/frames', roles: ['admin', 'approver', 'auditor'] },
  { method: 'GET', path: '/api/sessions/nope/recording', roles: ['admin', 'approver', 'auditor'] },
  { method: 'GET', path: '/api/audit', roles: ['admin', 'approver', 'auditor'] },
  { method: 'GET', path: '/api/keys', roles: ['admin', 'approver', 'auditor'] },
  { method: 'GET', path: '/api/connections', roles: ['admin', 'approver', 'auditor'] },
  { method: 'POST', path: '/api/evidence', body: { sessions: [] }, roles: ['admin', 'approver', 'auditor'] },
  { method: 'GET', path: '/api/approvals', roles: ['admin', 'approver'] },
  {
    method: 'POST',
    path: '/api/approvals/nope/decision',
    body: { decision: 'approve', reason: '' },
    roles: ['admin', 'approver'],
  },
  { method: 'POST', path: '/api/sessions/nope/terminate', body: {}, roles: ['admin', 'approver'] },
  { method: 'POST', path: '/api/sessions/nope/notes', body: { text: 'hi' }, roles: ['admin', 'approver'] },
  { method: 'POST', path: '/api/sessions/nope/step-mode', body: { enabled: true }, roles: ['admin', 'approver'] },
  { method: 'POST', path: '/api/workbench/query', body: { connection: 'nope', sql: 'select 1' }, roles: ['admin'] },
];

describe('control API: authentication and roles', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  const call = async (e: (typeof ENDPOINTS)[number], headers: Record<string, string>) =>
    e.method === 'GET' ? f.get(e.path, { headers }) : f.post(e.path, e.body, headers);

  it('answers 401 with the sign-in path to a request without credentials, on every endpoint', async () => {
    for (const e of ENDPOINTS) {
      const res = await call(e, {});
      expect(res.status, `${e.method} ${e.path}`).toBe(401);
      expect(await res.json()).toEqual({ error: 'sign in required', login: '/auth/login' });
    }
  });

  it('refuses agent tokens (403) everywhere, even where no role is needed to see a 404', async () => {
    const agent = await bearer(f, USERS.agent);
    for (const e of ENDPOINTS) {
      const res = await call(e, agent);
      expect(res.status, `${e.method} ${e.path}`).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/agent tokens are refused/);
    }
  });

  it('enforces the role of each endpoint for auditors, approvers and admins', async () => {
    for (const role of ['auditor', 'approver', 'admin'] as const) {
      const headers = await bearer(f, USERS[role]);
      for (const e of ENDPOINTS) {
        const res = await call(e, headers);
        if (e.roles.includes(role)) expect(res.status, `${role} ${e.method} ${e.path}`).not.toBe(403);
        else {
          expect(res.status, `${role} ${e.method} ${e.path}`).toBe(403);
          expect(((await res.json()) as { error: string }).error).toMatch(/needs the .* role/);
        }
      }
    }
  });

  it('refuses bad tokens (401) and tokens whose groups grant no role (403)', async () => {
    const bad = await f.get('/api/me', { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(bad.status).toBe(401);
    const wrongScheme = await f.get('/api/me', { headers: { authorization: 'Basic abc' } });
    expect(wrongScheme.status).toBe(401);
    const nobody = await f.get('/api/me', { headers: await bearer(f, { sub: 'eve', groups: ['nobody'] }) });
    expect(nobody.status).toBe(403);
    expect(((await nobody.json()) as { error: string }).error).toMatch(/grant no Vigil role/);
  });

  it('GET /api/me describes a Bearer caller (no CSRF token needed)', async () => {
    const res = await f.get('/api/me', { headers: await bearer(f, USERS.auditor) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      principal: { sub: 'sue', groups: ['security'], roles: ['auditor'] },
      csrf: '',
      demo: true,
    });
  });

  it('demo one-click sign-in: a development-labelled page, then an HttpOnly SameSite=Strict cookie', async () => {
    const page = await f.get('/auth/login?return=/approvals');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('Development sign-in');
    expect(html).toContain('Sign in as demo-admin (vigil-admins)');
    const nonce = /name="nonce" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const loginCookie = cookiePair(page.headers.getSetCookie(), 'vigil_login');
    const post = (headers: Record<string, string>, body: Record<string, string>) =>
      fetch(`${f.url}/auth/demo-login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body),
      });

    // Login CSRF: another site's form, or a form without the page's nonce, is refused.
    expect((await post({ cookie: loginCookie, origin: 'http://evil.example' }, { nonce })).status).toBe(403);
    expect((await post({ cookie: loginCookie }, { nonce: 'guess' })).status).toBe(403);
    expect((await post({}, { nonce })).status).toBe(403);

    const ok = await post({ cookie: loginCookie, origin: f.url }, { nonce, return: '/approvals' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/approvals');
    const setCookie = ok.headers.getSetCookie().find((c) => c.startsWith('vigil_session='));
    expect(setCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const cookie = cookiePair(ok.headers.getSetCookie(), 'vigil_session');
    const me = (await (await f.get('/api/me', { headers: { cookie } })).json()) as Record<string, unknown>;
    expect(me).toMatchObject({
      principal: { sub: 'demo-admin', name: 'Demo Admin', groups: ['vigil-admins'], roles: ['admin'] },
      demo: true,
    });
    expect(me.csrf).toMatch(/^[\w-]{43}$/);
    const audit = f.temp.store.listAudit({ type: 'auth.login' });
    expect(audit.at(-1)).toMatchObject({ actor: 'demo-admin', data: { method: 'dev', via: 'ide' } });
  });

  it('keeps the return path on this site', async () => {
    for (const evil of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const html = await (await f.get(`/auth/login?return=${encodeURIComponent(evil)}`)).text();
      expect(html).toContain('name="return" value="/"');
    }
  });

  it('requires X-CSRF-Token on cookie-authenticated POSTs, not on Bearer ones', async () => {
    const { cookie, csrf } = await f.demoSignIn();
    const body = { text: 'a note' };
    expect((await f.post('/api/sessions/nope/notes', body, { cookie })).status).toBe(403);
    const wrong = await f.post('/api/sessions/nope/notes', body, { cookie, 'x-csrf-token': `${csrf}x` });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/CSRF/);
    // Past the CSRF check: the session does not exist.
    expect((await f.post('/api/sessions/nope/notes', body, { cookie, 'x-csrf-token': csrf })).status).toBe(404);
    expect((await f.post('/api/sessions/nope/notes', body, await bearer(f, USERS.admin))).status).toBe(404);
    // GETs need none.
    expect((await f.get('/api/sessions', { headers: { cookie } })).status).toBe(200);
  });

  it('signs out: CSRF-checked, the cookie is cleared and the session is gone', async () => {
    const { cookie, csrf } = await f.demoSignIn();
    expect((await f.post('/auth/logout', {}, { cookie })).status).toBe(403);
    const out = await f.post('/auth/logout', {}, { cookie, 'x-csrf-token': csrf });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join()).toMatch(/vigil_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    expect((await f.get('/api/me', { headers: { cookie } })).status).toBe(401);
    expect(f.temp.store.listAudit({ type: 'auth.logout' }).at(-1)?.actor).toBe('demo-admin');
  });

  it('refuses oversized (413) and malformed (400) bodies, unknown routes (404) and wrong methods (405) as JSON', async () => {
    const admin = await bearer(f, USERS.admin);
    const huge = await f.post('/api/workbench/query', { connection: 'shop', sql: 'x'.repeat(1024 * 1024 + 10) }, admin);
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'request body is larger than 1048576 bytes' });
    const bad = await f.post('/api/sessions/nope/notes', '{"text": ', admin);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'request body is not valid JSON' });
    const notObject = await f.post('/api/sessions/nope/notes', '[1]', admin);
    expect(notObject.status).toBe(400);
    const unknown = await f.get('/api/nothing-here', { headers: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
    const method = await f.post('/api/sessions', {}, admin);
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET');
  });

  it('lets another module replace a route (evidence is 501 until then)', async () => {
    const admin = await bearer(f, USERS.admin);
    const before = await f.post('/api/evidence', { sessions: [] }, admin);
    expect(before.status).toBe(501);
    expect(await before.json()).toEqual({ error: 'evidence packets are not available yet' });
    f.api.addRoute({
      method: 'POST',
      path: '/api/evidence',
      roles: ['auditor', 'admin'],
      handle: () => ({ packet: 'ok' }),
    });
    expect(await (await f.post('/api/evidence', { sessions: [] }, admin)).json()).toEqual({ packet: 'ok' });
  });
});
