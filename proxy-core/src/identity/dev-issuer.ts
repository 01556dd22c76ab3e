import { createPrivateKey, type JsonWebKey, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { type JSONWebKeySet, SignJWT } from 'jose';
import { loadOrCreateDevIssuerKey } from './dev-issuer-key';

/** Set in every token, discovery document and key set of the development issuer. */
export const DEV_MARKER_CLAIM = 'vigil_dev';
const DEV_NOTICE = 'Vigil development issuer: for local demos only, never for production';
const RESERVED_CLAIMS = new Set(['iss', 'aud', 'sub', 'iat', 'nbf', 'exp', 'jti', 'groups', DEV_MARKER_CLAIM]);
const MAX_TTL_SEC = 30 * 24 * 3600;

export interface MintOptions {
  sub: string;
  groups: string[];
  /** Lifetime; default 3600, at most 30 days. */
  ttlSec?: number;
  /** Default: the issuer's audience. */
  audience?: string;
  /** More claims (`name`, `email`, ...); the standard ones above cannot be overridden. */
  extra?: Record<string, unknown>;
}

export interface DevIssuer {
  issuerUrl: string;
  /** The public key set, to give the token verifier (`jwks`) so it needs no discovery. */
  jwks: JSONWebKeySet;
  mint(opts: MintOptions): Promise<string>;
  /** Serves `<issuer path>/.well-known/openid-configuration` and `<issuer path>/jwks`; false for any other URL. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * The built-in issuer of `vigil serve --demo` and `auth.issuer: dev` (DESIGN.md, Identity): signs access tokens with an
 * Ed25519 key kept in `keysDir`, so `vigil token --dev` in another process mints tokens the running gateway accepts.
 * It only exists on loopback: its URL must be a loopback address, and it answers loopback clients only.
 */
export function createDevIssuer(opts: { keysDir: string; issuerUrl: string; audience: string }): DevIssuer {
  const issuerUrl = checkIssuerUrl(opts.issuerUrl);
  const key = loadOrCreateDevIssuerKey(opts.keysDir);
  const signingKey = createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' });
  const jwks: JSONWebKeySet = { keys: [key.publicJwk] };
  const prefix = new URL(issuerUrl).pathname.replace(/\/$/, '');
  const documents = new Map<string, string>([
    [`${prefix}/.well-known/openid-configuration`, JSON.stringify(discoveryDocument(issuerUrl, `${prefix}/jwks`))],
    [`${prefix}/jwks`, JSON.stringify({ ...jwks, [DEV_MARKER_CLAIM]: true })],
  ]);

  return {
    issuerUrl,
    jwks,
    async mint({ sub, groups, ttlSec = 3600, audience = opts.audience, extra = {} }) {
      if (typeof sub !== 'string' || sub === '') throw new TypeError('mint: sub must be a non-empty string');
      if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) {
        throw new TypeError('mint: groups must be an array of strings');
      }
      if (!Number.isInteger(ttlSec) || ttlSec <= 0 || ttlSec > MAX_TTL_SEC) {
        throw new RangeError(`mint: ttlSec must be a whole number of seconds from 1 to ${MAX_TTL_SEC}`);
      }
      const reserved = Object.keys(extra).filter((claim) => RESERVED_CLAIMS.has(claim));
      if (reserved.length > 0) throw new TypeError(`mint: extra cannot set ${reserved.join(', ')}`);
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...extra, groups, [DEV_MARKER_CLAIM]: true })
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
        .setIssuer(issuerUrl)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + ttlSec)
        .setJti(randomUUID())
        .sign(signingKey);
    },
    handle(req, res) {
      const body = documents.get(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (body === undefined) return false;
      if (!isLoopbackAddress(req.socket.remoteAddress)) {
        reply(res, 403, { error: 'forbidden', error_description: `${DEV_NOTICE}; it answers loopback clients only` });
      } else if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        reply(res, 405, { error: 'method_not_allowed' });
      } else {
        res.writeHead(200, headers(body)).end(req.method === 'HEAD' ? undefined : body);
      }
      return true;
    },
  };
}

function discoveryDocument(issuer: string, jwksPath: string) {
  return {
    issuer,
    jwks_uri: new URL(jwksPath, issuer).href,
    // No authorization or token endpoint: tokens come from `vigil token --dev` and the demo, not from a login.
    response_types_supported: [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['EdDSA'],
    claims_supported: ['iss', 'aud', 'sub', 'iat', 'nbf', 'exp', 'jti', 'groups', DEV_MARKER_CLAIM],
    [DEV_MARKER_CLAIM]: true,
    description: DEV_NOTICE,
  };
}

function reply(res: ServerResponse, status: number, value: Record<string, unknown>): void {
  const body = JSON.stringify({ ...value, [DEV_MARKER_CLAIM]: true });
  res.writeHead(status, headers(body)).end(body);
}

function headers(body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-vigil-dev-issuer': DEV_NOTICE,
  };
}

function checkIssuerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`development issuer URL ${JSON.stringify(raw)} is not a URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !isLoopbackHost(url.hostname)) {
    throw new Error(`development issuer URL ${JSON.stringify(raw)} must be http(s) on a loopback address`);
  }
  if (url.search || url.hash) throw new Error('development issuer URL must not have a query or fragment');
  // Keep the caller's spelling (no trailing slash added): it is the `iss` every token carries.
  return raw;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || isLoopbackAddress(hostname.replace(/^\[(.*)\]$/, '$1'));
}

function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return isIP(address) === 6 && address === '::1';
}
