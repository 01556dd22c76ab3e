/**
 * The agent's OIDC access token: `Authorization: Bearer …` when it addresses Vigil directly, `Proxy-Authorization:
 * Bearer …` when it uses Vigil as a proxy (RFC 9110 §11.7). Refusals carry the matching challenge: 401 +
 * WWW-Authenticate, or 407 + Proxy-Authenticate for a proxy client; a valid token without an agent or admin role
 * is 403 insufficient_scope (RFC 6750 §3.1).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../../identity/identity.types';
import { bearerChallenge, HttpError } from './http-error';

const REALM = 'vigil';

export function agentToken(headers: IncomingHttpHeaders, proxy: boolean): string | undefined {
  const value = proxy ? headers['proxy-authorization'] : headers.authorization;
  const m = /^Bearer[ \t]+(.*?)[ \t]*$/i.exec(value ?? '');
  return m?.[1] || undefined;
}

export function mayUseApis(principal: Principal): boolean {
  return principal.roles.includes('agent') || principal.roles.includes('admin');
}

export function missingToken(proxy: boolean): HttpError {
  const header = proxy ? 'Proxy-Authorization' : 'Authorization';
  return challenge(proxy, proxy ? 407 : 401, `an OIDC access token is required: send ${header}: Bearer <token>`);
}

export function invalidToken(proxy: boolean, reason: string): HttpError {
  return challenge(proxy, proxy ? 407 : 401, `token rejected: ${reason}`, 'invalid_token', reason);
}

export function insufficientRole(proxy: boolean, principal: Principal): HttpError {
  const reason = `principal "${principal.sub}" has no role that may call APIs through Vigil (needs agent or admin)`;
  return challenge(proxy, 403, reason, 'insufficient_scope', reason);
}

function challenge(
  proxy: boolean,
  status: number,
  message: string,
  error?: 'invalid_token' | 'insufficient_scope',
  description?: string,
): HttpError {
  const name = proxy ? 'proxy-authenticate' : 'www-authenticate';
  return new HttpError(status, message, {}, { [name]: bearerChallenge(REALM, error, description) });
}
