import {
  AuthorizationResponseError,
  allowInsecureRequests,
  authorizationCodeGrant,
  buildAuthorizationUrl,
  ClientError,
  ClientSecretBasic,
  type Configuration,
  calculatePKCECodeChallenge,
  discovery,
  None,
  ResponseBodyError,
  randomNonce,
  randomPKCECodeVerifier,
  randomState,
} from 'openid-client';
import { AuthError } from './identity.types';

/** A sign-in that did not succeed; the message is fit to show the person (no codes, verifiers or tokens). */
export class LoginError extends Error {
  override readonly name = 'LoginError';
}

export interface HumanLoginOptions {
  issuer: string;
  clientId: string;
  /** A confidential client (client_secret_basic); without it the client is public and relies on PKCE alone. */
  clientSecret?: string;
  /** The IDE's callback URL, registered at the IdP. */
  redirectUri: string;
  /** Default `openid profile email`. */
  scopes?: string[];
  /** Permit an `http:` issuer (a loopback test IdP). */
  allowInsecureHttp?: boolean;
}

/** What the IDE keeps (server-side, or in a short-lived signed cookie) between `start` and `finish`. */
export interface PendingLogin {
  state: string;
  codeVerifier: string;
  nonce: string;
}

export interface HumanLogin {
  /** A fresh authorization URL to send the browser to, and the secrets `finish` will check. */
  start(): Promise<PendingLogin & { url: string }>;
  /**
   * Redeems the code in the IdP's redirect. Throws LoginError for a refused sign-in (an `error` from the IdP, a state
   * or nonce mismatch, a rejected or replayed code) and AuthError `issuer_unavailable` when the IdP is unreachable.
   */
  finish(callbackUrl: URL, pending: PendingLogin): Promise<{ idClaims: Record<string, unknown>; accessToken: string }>;
}

const DISCOVERY_TIMEOUT_SEC = 10;

/** People sign in to the IDE with OIDC authorization code + PKCE (S256), state and nonce (DESIGN.md, Identity). */
export function createHumanLogin(opts: HumanLoginOptions): HumanLogin {
  const scope = (opts.scopes ?? ['openid', 'profile', 'email']).join(' ');
  if (!scope.split(' ').includes('openid')) throw new Error('human login scopes must include openid');
  let config: Promise<Configuration> | undefined;
  // Discovered once; a failure is not kept, so the next sign-in tries again.
  const configuration = () => {
    config ??= discover(opts).catch((err: unknown) => {
      config = undefined;
      throw new AuthError('issuer_unavailable', `identity provider ${opts.issuer} is unavailable; try again shortly`, {
        cause: err,
      });
    });
    return config;
  };

  return {
    async start() {
      const cfg = await configuration();
      const pending: PendingLogin = {
        state: randomState(),
        codeVerifier: randomPKCECodeVerifier(),
        nonce: randomNonce(),
      };
      const url = buildAuthorizationUrl(cfg, {
        redirect_uri: opts.redirectUri,
        scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, ...pending };
    },

    async finish(callbackUrl, pending) {
      const cfg = await configuration();
      // The token request must name the registered redirect_uri, whatever host or proxy the callback arrived through.
      const current = new URL(opts.redirectUri);
      current.search = callbackUrl.search;
      const tokens = await authorizationCodeGrant(cfg, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      }).catch((err: unknown) => {
        throw loginError(err, opts.issuer);
      });
      const claims = tokens.claims();
      if (!claims) throw new LoginError('the identity provider returned no ID token');
      return { idClaims: { ...claims }, accessToken: tokens.access_token };
    },
  };
}

function discover(opts: HumanLoginOptions): Promise<Configuration> {
  const insecure = opts.allowInsecureHttp === true;
  const auth = opts.clientSecret === undefined ? None() : ClientSecretBasic(opts.clientSecret);
  const metadata = opts.clientSecret === undefined ? undefined : { client_secret: opts.clientSecret };
  return discovery(new URL(opts.issuer), opts.clientId, metadata, auth, {
    execute: insecure ? [allowInsecureRequests] : [],
    timeout: DISCOVERY_TIMEOUT_SEC,
  });
}

function loginError(err: unknown, issuer: string): Error {
  const described = (e: { error: string; error_description?: string | undefined }) =>
    e.error_description ? `${e.error}: ${e.error_description}` : e.error;
  if (err instanceof AuthorizationResponseError) {
    return new LoginError(`the identity provider refused the sign-in (${described(err)})`, { cause: err });
  }
  if (err instanceof ResponseBodyError) {
    return new LoginError(`the identity provider rejected the sign-in code (${described(err)})`, { cause: err });
  }
  if (err instanceof ClientError) {
    // openid-client puts the specific check that failed (e.g. 'unexpected "state" response parameter value') in cause.
    const detail = err.cause instanceof Error ? err.cause.message : err.message;
    return new LoginError(`the sign-in response is not valid: ${detail}`, { cause: err });
  }
  // fetch rejects with a TypeError when the IdP cannot be reached, and with a TimeoutError when it does not answer.
  if (err instanceof TypeError || (err instanceof Error && err.name === 'TimeoutError')) {
    return new AuthError('issuer_unavailable', `identity provider ${issuer} is unavailable; try again shortly`, {
      cause: err,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}
