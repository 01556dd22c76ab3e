import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWKSCacheInput,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  jwksCache,
  jwtVerify,
} from 'jose';
import { allowInsecureRequests, discovery } from 'openid-client';
import type { Logger } from '../logger';
import { AuthError, type Principal, type RoleMap } from './identity.types';
import { authErrorFromJose, quote } from './jose-failure';
import { toPrincipal } from './principal';

/** Asymmetric algorithms only: HS* would let anyone holding the (public) verification key mint tokens. */
export const DEFAULT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const;
const ASYMMETRIC_ALGORITHMS = new Set<string>([...DEFAULT_ALGORITHMS, ...['PS384', 'PS512', 'ES512', 'Ed25519']]);
/** Far above any real access token (Entra ID's largest are ~8 KiB); refuses junk before any parsing. */
const MAX_TOKEN_BYTES = 16 * 1024;
const ISSUER_TIMEOUT_SEC = 5;
/** How long the last fetched keys stand in for an unreachable JWKS endpoint. */
const STALE_KEYS_MAX_SEC = 3600;

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  groupsClaim: string;
  roles: RoleMap;
  algorithms?: string[];
  /** Allowed clock skew for `exp` / `nbf`; default 30. */
  clockToleranceSec?: number;
  /** Local public keys (the development issuer); skips discovery. */
  jwks?: JSONWebKeySet;
  logger: Logger;
  /** Permit an `http:` issuer and JWKS (a loopback test or dev IdP); https otherwise. */
  allowInsecureHttp?: boolean;
  /** After a failed discovery, verifies answer `issuer_unavailable` for this long before retrying; default 5. */
  discoveryRetrySec?: number;
  /** Least time between two JWKS fetches triggered by an unknown `kid` (a key rotation); default 30. */
  jwksCooldownSec?: number;
}

export interface TokenVerifier {
  /** The principal of a valid token with at least one role; otherwise throws AuthError. */
  verify(token: string): Promise<Principal>;
}

type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/**
 * Verifies OIDC access tokens (JWTs) against the issuer's JWKS (DESIGN.md, Identity): signature with an allowed
 * asymmetric algorithm, `iss`, `aud`, `exp` / `nbf`, a `sub`, and groups that map to a role.
 *
 * Discovery starts at once but never throws: while the issuer cannot be reached, `verify` answers
 * `issuer_unavailable` and tries again (at most every `discoveryRetrySec`). Keys are cached by jose; a token with an
 * unknown `kid` refetches the JWKS, so the IdP can rotate keys without a restart.
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const algorithms = checkAlgorithms(opts.algorithms ?? [...DEFAULT_ALGORITHMS]);
  // The issuer URL is fetched only without local keys; with them it is just the expected `iss`.
  if (!opts.jwks) checkIssuerUrl(opts.issuer, opts.allowInsecureHttp === true);
  if (opts.audience === '') throw new Error('auth.audience must not be empty');
  const log = opts.logger.child({ component: 'token-verifier', issuer: opts.issuer });
  const verifyOptions: JWTVerifyOptions = {
    issuer: opts.issuer,
    audience: opts.audience,
    algorithms,
    clockTolerance: opts.clockToleranceSec ?? 30,
    requiredClaims: ['sub', 'exp'],
  };
  const keys = opts.jwks ? Promise.resolve<KeyResolver>(createLocalJWKSet(opts.jwks)) : undefined;
  const resolveKeys = keys ? () => keys : lazyDiscovery(opts, log);
  // Start discovery now so the first agent does not wait for it; failures are logged and retried on demand.
  if (!keys) resolveKeys().catch(() => {});

  return {
    async verify(raw) {
      if (typeof raw !== 'string') throw new AuthError('malformed', 'no token was given');
      const token = raw.trim();
      const header = readHeader(token);
      if (!algorithms.includes(header.alg)) {
        throw new AuthError(
          'alg_not_allowed',
          `token algorithm ${quote(header.alg)} is not allowed (allowed: ${algorithms.join(', ')})`,
        );
      }
      const getKey = await resolveKeys();
      let payload: JWTPayload;
      try {
        payload = await verifyWithAnyMatchingKey(token, getKey, verifyOptions);
      } catch (err) {
        if (!(err instanceof AuthError || err instanceof errors.JOSEError)) {
          log.warn('unexpected verify error', { err });
        }
        throw authErrorFromJose(err, { issuer: opts.issuer, audience: opts.audience, kid: header.kid });
      }
      return toPrincipal(payload, opts);
    },
  };
}

/** Finds the JWKS by discovery on first need; one attempt at a time, none while a recent failure stands. */
function lazyDiscovery(opts: TokenVerifierOptions, log: Logger): () => Promise<KeyResolver> {
  const retryMs = (opts.discoveryRetrySec ?? 5) * 1000;
  let resolved: KeyResolver | undefined;
  let pending: Promise<KeyResolver> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  const unavailable = (cause?: unknown) =>
    new AuthError('issuer_unavailable', `identity provider ${opts.issuer} is unavailable; try again shortly`, {
      cause,
    });

  return () => {
    if (resolved) return Promise.resolve(resolved);
    if (pending) return pending;
    if (Date.now() - failedAt < retryMs) return Promise.reject(unavailable());
    pending = discoverKeys(opts, log)
      .then(
        (keys) => {
          resolved = keys;
          return keys;
        },
        (err: unknown) => {
          failedAt = Date.now();
          log.warn('OIDC discovery failed; tokens are refused until it succeeds', { err });
          throw unavailable(err);
        },
      )
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

async function discoverKeys(opts: TokenVerifierOptions, log: Logger): Promise<KeyResolver> {
  const insecure = opts.allowInsecureHttp === true;
  const config = await discovery(new URL(opts.issuer), opts.audience, undefined, undefined, {
    execute: insecure ? [allowInsecureRequests] : [],
    timeout: ISSUER_TIMEOUT_SEC,
  });
  const jwksUri = config.serverMetadata().jwks_uri;
  if (!jwksUri) throw new Error('the issuer metadata has no jwks_uri');
  const url = new URL(jwksUri);
  if (url.protocol !== 'https:' && !(insecure && url.protocol === 'http:')) {
    throw new Error(`jwks_uri ${jwksUri} is not https`);
  }
  log.info('OIDC discovery done', { jwksUri });
  return remoteKeys(url, opts, log);
}

/**
 * jose's remote JWKS (cached for 10 minutes, refetched early for an unknown `kid`, at most once per cooldown). When a
 * refetch fails, the keys last fetched keep working for STALE_KEYS_MAX_SEC so an IdP outage does not lock out agents
 * whose tokens are still valid; a `kid` those keys do not know is then `issuer_unavailable`, not a bad signature.
 */
function remoteKeys(url: URL, opts: TokenVerifierOptions, log: Logger): KeyResolver {
  // jose records each successful fetch here (uat = when, jwks = what).
  const cache: { uat?: number; jwks?: JSONWebKeySet } = {};
  const remote = createRemoteJWKSet(url, {
    timeoutDuration: ISSUER_TIMEOUT_SEC * 1000,
    cooldownDuration: (opts.jwksCooldownSec ?? 30) * 1000,
    [jwksCache]: cache as JWKSCacheInput,
  });
  const unavailable = (cause: unknown) =>
    new AuthError('issuer_unavailable', `identity provider ${opts.issuer} keys are unavailable; try again shortly`, {
      cause,
    });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      // No key for this token is the token's problem; anything else is fetching or reading the issuer's key set.
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      const { uat, jwks } = cache;
      if (uat === undefined || jwks === undefined || Date.now() - uat > STALE_KEYS_MAX_SEC * 1000) {
        log.warn('JWKS fetch failed', { err, jwksUri: url.href });
        throw unavailable(err);
      }
      log.warn('JWKS fetch failed; using the keys fetched before', { err, jwksUri: url.href, fetchedAt: uat });
      try {
        return await createLocalJWKSet(jwks)(header, token);
      } catch (inner) {
        if (inner instanceof errors.JWKSNoMatchingKey) throw unavailable(err);
        throw inner;
      }
    }
  };
}

/** jose leaves a token without `kid` that matches several keys to the caller: try each (jose docs, createLocalJWKSet). */
async function verifyWithAnyMatchingKey(token: string, getKey: KeyResolver, options: JWTVerifyOptions) {
  try {
    return (await jwtVerify(token, getKey, options)).payload;
  } catch (err) {
    if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;
    for await (const key of err) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

function readHeader(token: string): { alg: string; kid?: string } {
  if (token === '') throw new AuthError('malformed', 'no token was given');
  if (token.length > MAX_TOKEN_BYTES) throw new AuthError('malformed', 'token is larger than 16 KiB');
  const parts = token.split('.').length;
  if (parts === 5) throw new AuthError('malformed', 'encrypted tokens (JWE) are not supported; send a signed JWT');
  if (parts !== 3) throw new AuthError('malformed', 'token is not a JWT (three base64url parts separated by dots)');
  let header: JWSHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw new AuthError('malformed', 'token header is not base64url-encoded JSON', { cause });
  }
  if (typeof header.alg !== 'string') throw new AuthError('malformed', 'token header has no "alg"');
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new AuthError('malformed', 'token header "kid" is not a string');
  }
  return header.kid === undefined ? { alg: header.alg } : { alg: header.alg, kid: header.kid };
}

function checkAlgorithms(algorithms: string[]): string[] {
  if (algorithms.length === 0) throw new Error('auth: at least one token algorithm must be allowed');
  for (const alg of algorithms) {
    if (!ASYMMETRIC_ALGORITHMS.has(alg)) {
      throw new Error(
        `auth: token algorithm ${quote(alg)} is not allowed; use one of ${[...ASYMMETRIC_ALGORITHMS].join(', ')}`,
      );
    }
  }
  return [...new Set(algorithms)];
}

function checkIssuerUrl(issuer: string, allowInsecureHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`auth.issuer ${quote(issuer)} is not a URL`);
  }
  if (url.protocol === 'https:' || (allowInsecureHttp && url.protocol === 'http:')) return;
  throw new Error(`auth.issuer ${quote(issuer)} must use https`);
}
