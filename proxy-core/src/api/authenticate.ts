import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthError, type Principal, type Role } from '../identity/identity.types';
import type { TokenVerifier } from '../identity/token-verifier';
import { type AuthSession, type AuthSessionTable, parseCookies, SESSION_COOKIE } from './auth-sessions';
import { HttpError } from './http-io';

/** The human behind a request: signed in to the IDE (cookie) or a script with an OIDC access token (Bearer). */
export interface Authenticated {
  principal: Principal;
  via: 'cookie' | 'bearer';
  /** Cookie sign-ins only. */
  session?: AuthSession;
  /** Bearer requests only: the verified token. */
  token?: string;
}

/** Roles that make a principal a human user of the API; a principal with only `agent` is refused everywhere. */
export const HUMAN_ROLES: readonly Role[] = ['admin', 'approver', 'auditor'];
export const READ_ROLES: readonly Role[] = ['auditor', 'approver', 'admin'];
export const DECIDE_ROLES: readonly Role[] = ['approver', 'admin'];
export const ADMIN_ROLES: readonly Role[] = ['admin'];

export const LOGIN_PATH = '/auth/login';

/**
 * Finds who is calling: `Authorization: Bearer` (verified on every request) or the session cookie. 401 when
 * nobody is signed in or the token is bad, 403 for a valid token whose roles are not a human's (agents).
 */
export async function authenticate(
  req: IncomingMessage,
  deps: { verifier: TokenVerifier; sessions: AuthSessionTable },
): Promise<Authenticated> {
  const header = req.headers.authorization;
  let auth: Authenticated;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new HttpError(401, 'Authorization must be "Bearer <OIDC access token>"');
    const token = match[1];
    auth = { principal: await verify(deps.verifier, token), via: 'bearer', token };
  } else {
    const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const session = id ? deps.sessions.get(id) : undefined;
    if (!session) throw new HttpError(401, 'sign in required', { login: LOGIN_PATH });
    auth = { principal: session.principal, via: 'cookie', session };
  }
  if (!auth.principal.roles.some((r) => HUMAN_ROLES.includes(r))) {
    throw new HttpError(403, `${auth.principal.sub} is not allowed to use the control API (agent tokens are refused)`);
  }
  return auth;
}

async function verify(verifier: TokenVerifier, token: string): Promise<Principal> {
  try {
    return await verifier.verify(token);
  } catch (err) {
    if (err instanceof AuthError) {
      if (err.code === 'no_role') throw new HttpError(403, err.message);
      if (err.code === 'issuer_unavailable') throw new HttpError(503, err.message);
      throw new HttpError(401, err.message, { login: LOGIN_PATH });
    }
    throw err;
  }
}

export function requireRole(auth: Authenticated, roles: readonly Role[]): void {
  if (roles.length === 0 || auth.principal.roles.some((r) => roles.includes(r))) return;
  throw new HttpError(403, `this needs the ${roles.join(' or ')} role`);
}

/**
 * Cookie-authenticated requests that change state must carry the session's CSRF token in `X-CSRF-Token`
 * (a custom header no cross-site form or simple request can set). Bearer requests carry no ambient credential.
 */
export function checkCsrf(req: IncomingMessage, auth: Authenticated): void {
  if (auth.via !== 'cookie' || req.method === 'GET' || req.method === 'HEAD') return;
  const sent = req.headers['x-csrf-token'];
  if (typeof sent !== 'string' || !auth.session || !sameSecret(sent, auth.session.csrf)) {
    throw new HttpError(403, 'missing or wrong X-CSRF-Token (get it from GET /api/me)');
  }
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
