import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHumanLogin, type HumanLogin, LoginError, type PendingLogin } from '../identity/human-login';
import { AuthError, type Principal } from '../identity/identity.types';
import type { ApiDeps } from './api.types';
import { type AuthSession, type HumanCredential, parseCookies, SESSION_COOKIE, serializeCookie } from './auth-sessions';
import { checkCsrf, HUMAN_ROLES, sameSecret } from './authenticate';
import { escapeHtml, sendHtml, sendJson } from './http-io';
import { contentSecurityPolicy, isLoopbackAddress, sameOrigin } from './request-origin';

/** Binds a sign-in in progress to the browser that started it (the IdP's redirect back is cross-site: Lax). */
const LOGIN_COOKIE = 'vigil_login';
const PENDING_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 1000;
const DEMO_ADMIN = { sub: 'demo-admin', groups: ['vigil-admins'], name: 'Demo Admin' };
const DEMO_TTL_SEC = 8 * 3600;

interface PendingSignIn {
  pending: PendingLogin;
  binding: string;
  returnTo: string;
  createdAt: number;
}

/**
 * The sign-in endpoints, outside /api: `GET /auth/login`, `GET /auth/callback` (OIDC code + PKCE),
 * `POST /auth/demo-login` (development issuer, loopback only) and `POST /auth/logout`.
 */
export class AuthRoutes {
  private readonly login: HumanLogin | undefined;
  private readonly pending = new Map<string, PendingSignIn>();

  constructor(private readonly deps: ApiDeps) {
    this.login = deps.humanLogin ? createHumanLogin(deps.humanLogin) : undefined;
  }

  get demo(): boolean {
    return this.login === undefined && this.deps.devIssuer !== undefined;
  }

  /** Handles the request if it is one of ours; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /auth/login' || route === 'HEAD /auth/login') await this.start(req, res, url);
    else if (route === 'GET /auth/callback') await this.callback(req, res, url);
    else if (route === 'POST /auth/demo-login') await this.demoLogin(req, res);
    else if (route === 'POST /auth/logout') this.logout(req, res);
    else return false;
    return true;
  }

  private async start(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const returnTo = safeReturn(url.searchParams.get('return'));
    if (this.login) {
      const started = await this.login.start().catch((err: unknown) => {
        if (err instanceof AuthError) return err;
        throw err;
      });
      if (started instanceof AuthError) return this.page(req, res, 503, 'Sign-in unavailable', started.message);
      this.prunePending();
      const binding = randomBytes(24).toString('base64url');
      const { url: authorizationUrl, ...pending } = started;
      this.pending.set(pending.state, { pending, binding, returnTo, createdAt: Date.now() });
      res.setHeader('set-cookie', this.cookie(LOGIN_COOKIE, binding, PENDING_TTL_MS / 1000, 'Lax', '/auth'));
      res.writeHead(302, { location: authorizationUrl, 'cache-control': 'no-store' }).end();
      return;
    }
    if (this.demo) return this.demoPage(req, res, returnTo);
    this.page(
      req,
      res,
      501,
      'Sign-in not configured',
      'No identity provider is configured for people to sign in (auth.clientId in vigil.yaml). Scripts can call the API with "Authorization: Bearer <access token>".',
    );
  }

  private async callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const entry = this.pending.get(url.searchParams.get('state') ?? '');
    const binding = parseCookies(req.headers.cookie).get(LOGIN_COOKIE);
    if (
      !this.login ||
      !entry ||
      Date.now() - entry.createdAt > PENDING_TTL_MS ||
      !binding ||
      !sameSecret(binding, entry.binding)
    ) {
      return this.page(
        req,
        res,
        400,
        'Sign-in failed',
        'This sign-in link is not valid any more (it was used, expired, or started in another browser).',
        true,
      );
    }
    this.pending.delete(entry.pending.state);
    let principal: Principal;
    let accessToken: string;
    try {
      const result = await this.login.finish(url, entry.pending);
      accessToken = result.accessToken;
      principal = await this.deps.verifier.verify(accessToken);
      const name = result.idClaims.name;
      if (principal.name === undefined && typeof name === 'string') principal = { ...principal, name };
    } catch (err) {
      if (err instanceof LoginError) return this.page(req, res, 400, 'Sign-in failed', err.message, true);
      if (err instanceof AuthError) {
        const status = err.code === 'issuer_unavailable' ? 503 : 403;
        return this.page(req, res, status, 'Sign-in refused', err.message, true);
      }
      throw err;
    }
    const session = this.signIn(req, res, principal, { kind: 'token', token: accessToken }, 'oidc');
    if (!session) return;
    // A page, not a redirect: the session cookie is SameSite=Strict, and a navigation that started at the IdP
    // would not carry it; this one starts here.
    const target = escapeHtml(entry.returnTo);
    res.setHeader('refresh', `0;url=${entry.returnTo}`);
    const who = escapeHtml(principal.name ?? principal.sub);
    this.html(
      req,
      res,
      200,
      'Signed in',
      `<h1>Signed in</h1><p>Signed in as ${who}. <a href="${target}">Continue</a></p>`,
    );
  }

  private demoPage(req: IncomingMessage, res: ServerResponse, returnTo: string): void {
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      this.page(req, res, 403, 'Demo sign-in', 'The demo sign-in answers loopback clients only.');
      return;
    }
    const nonce = randomBytes(24).toString('base64url');
    res.setHeader('set-cookie', this.cookie(LOGIN_COOKIE, nonce, PENDING_TTL_MS / 1000, 'Strict', '/auth'));
    const who = this.deps.demoAdmin ?? DEMO_ADMIN;
    this.html(
      req,
      res,
      200,
      'Sign in to Vigil (demo)',
      `<h1>Sign in to Vigil</h1>
<p class="dev"><strong>Development sign-in.</strong> This gateway runs with the built-in development issuer
(<code>--demo</code>): anyone on this machine can sign in. Never use it in production.</p>
<form method="post" action="/auth/demo-login">
<input type="hidden" name="nonce" value="${nonce}"><input type="hidden" name="return" value="${escapeHtml(returnTo)}">
<button type="submit">Sign in as ${escapeHtml(who.sub)} (${escapeHtml(who.groups.join(', '))})</button></form>`,
    );
  }

  private async demoLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const issuer = this.deps.devIssuer;
    if (!this.demo || !issuer) return this.page(req, res, 404, 'Not found', 'There is no demo sign-in here.');
    const form = await readForm(req);
    const nonce = parseCookies(req.headers.cookie).get(LOGIN_COOKIE);
    if (
      !isLoopbackAddress(req.socket.remoteAddress) ||
      !sameOrigin(req, this.deps.origin, true) ||
      !nonce ||
      !sameSecret(nonce, form.get('nonce') ?? '')
    ) {
      return this.page(req, res, 403, 'Demo sign-in', 'Refused: use the sign-in page on this machine.', true);
    }
    const who = this.deps.demoAdmin ?? DEMO_ADMIN;
    const token = await issuer.mint({
      sub: who.sub,
      groups: who.groups,
      ttlSec: DEMO_TTL_SEC,
      extra: who.name ? { name: who.name } : {},
    });
    const principal = await this.deps.verifier.verify(token);
    if (!this.signIn(req, res, principal, { kind: 'dev' }, 'dev')) return;
    res.writeHead(303, { location: safeReturn(form.get('return') ?? null), 'cache-control': 'no-store' }).end();
  }

  private logout(req: IncomingMessage, res: ServerResponse): void {
    const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const session = id ? this.deps.sessions.get(id) : undefined;
    if (session) {
      checkCsrf(req, { principal: session.principal, via: 'cookie', session });
      this.deps.store.appendAudit({ type: 'auth.logout', actor: session.principal.sub, data: { via: 'ide' } });
      this.deps.sessions.destroy(session.id);
    }
    res.setHeader('set-cookie', this.cookie(SESSION_COOKIE, '', 0, 'Strict'));
    sendJson(res, 200, { ok: true });
  }

  /** Creates the session and sets its cookie; answers 403 itself (and returns undefined) for a non-human. */
  private signIn(
    req: IncomingMessage,
    res: ServerResponse,
    principal: Principal,
    credential: HumanCredential,
    method: string,
  ): AuthSession | undefined {
    if (!principal.roles.some((r) => HUMAN_ROLES.includes(r))) {
      this.page(
        req,
        res,
        403,
        'Sign-in refused',
        `${principal.sub} has no Vigil role for people (admin, approver or auditor).`,
        true,
      );
      return undefined;
    }
    const session = this.deps.sessions.create(principal, credential);
    this.deps.store.appendAudit({
      type: 'auth.login',
      actor: principal.sub,
      data: { via: 'ide', method, roles: principal.roles, clientAddr: req.socket.remoteAddress ?? null },
    });
    res.setHeader('set-cookie', [
      this.cookie(SESSION_COOKIE, session.id, (session.expiresAt - Date.now()) / 1000, 'Strict'),
      this.cookie(LOGIN_COOKIE, '', 0, 'Lax', '/auth'),
    ]);
    return session;
  }

  private cookie(name: string, value: string, maxAge: number, sameSite: 'Strict' | 'Lax', path = '/'): string {
    const secure = this.deps.origin.https || (this.deps.origin.publicOrigin?.startsWith('https:') ?? false);
    return serializeCookie(name, value, { maxAge, sameSite, path, secure });
  }

  /** A page with a plain-text message (escaped: it may come from the IdP). */
  private page(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    title: string,
    text: string,
    retry = false,
  ): void {
    const again = retry ? '<p><a href="/auth/login">Sign in again</a></p>' : '';
    this.html(req, res, status, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${again}`);
  }

  private html(req: IncomingMessage, res: ServerResponse, status: number, title: string, html: string): void {
    sendHtml(res, status, title, html, contentSecurityPolicy(req, this.deps.origin));
  }

  private prunePending(): void {
    const now = Date.now();
    for (const [state, p] of this.pending) if (now - p.createdAt > PENDING_TTL_MS) this.pending.delete(state);
    while (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest === undefined) break;
      this.pending.delete(oldest);
    }
  }
}

/** Only a path on this site: no scheme, no `//host`, no backslash tricks. */
export function safeReturn(raw: string | null): string {
  if (!raw || raw.length > 2048 || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return '/';
  for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) < 0x20) return '/';
  return raw;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 4096) return new URLSearchParams();
  }
  return new URLSearchParams(text);
}
