/**
 * A real OpenID provider (`oidc-provider`) on 127.0.0.1 for integration tests (STYLE.md §15).
 *
 * Agents get JWT access tokens for the gateway's audience with client credentials; people sign in with authorization
 * code + PKCE through an interaction shortcut (`login()`), which logs the chosen test user in and grants consent
 * without rendering pages. Keys can be rotated and the server taken down and up again on the same port.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
// @ts-expect-error -- oidc-provider ships no type declarations and @types/oidc-provider is not a dependency.
import { errors as oidcErrors, Provider as UntypedProvider } from 'oidc-provider';

/** The few parts of oidc-provider's API this fixture uses. */
interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => OidcGrant;
  on(event: 'server_error', listener: (ctx: unknown, err: Error) => void): void;
}
interface OidcGrant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}
interface InteractionDetails {
  params: Record<string, unknown>;
  prompt: {
    details: {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
  };
}
interface TokenModel {
  kind: string;
  clientId?: string;
  accountId?: string;
}
const Provider = UntypedProvider as new (issuer: string, config: Record<string, unknown>) => OidcProvider;
const InvalidTarget = (oidcErrors as { InvalidTarget: new (description?: string) => Error }).InvalidTarget;

/** Agents (client credentials) and their groups; each client's secret is `secret-<id>`. */
export const TEST_AGENT_CLIENTS: Record<string, string[]> = {
  'agent-1': ['ai-agents'],
  'admin-1': ['vigil-admins'],
  nobody: [],
};

/** People who can sign in through `login()`. */
export const TEST_USERS: Record<string, { groups: string[]; name: string; email: string }> = {
  alice: { groups: ['vigil-admins', 'dba'], name: 'Alice Admin', email: 'alice@example.test' },
  bob: { groups: ['security'], name: 'Bob Auditor', email: 'bob@example.test' },
};

/** Sign-in clients: `ide` is confidential (client_secret_basic, secret `secret-ide`), `ide-public` uses PKCE only. */
export const IDE_CLIENT = { id: 'ide', secret: 'secret-ide', publicId: 'ide-public' } as const;
/** Registered for both sign-in clients; nothing listens there, `login()` stops at the redirect. */
export const IDE_REDIRECT_URI = 'http://127.0.0.1:7480/auth/callback';
/** RFC 8707 resource indicator of the gateway; the tokens' `aud` is the configured audience. */
export const GATEWAY_RESOURCE = 'urn:vigil:gateway';

export interface TestIdp {
  issuer: string;
  audience: string;
  /** A client-credentials JWT access token for the gateway audience. */
  tokenFor(clientId: string): Promise<string>;
  /** Signs new tokens with a fresh key (new `kid`); the previous keys stay published, as in a real rotation. */
  rotateKeys(): Promise<void>;
  /** The current signing key (private JWK with `kid` and `alg`), for crafting tokens in tests. */
  signingKey(): JWK;
  /** Follows an authorization URL as `sub` would, returning the callback URL the provider redirects to. */
  login(authorizationUrl: string | URL, sub?: string): Promise<URL>;
  /** Stops listening (connections refused) without forgetting state; `up()` listens again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Errors the provider hit while serving (for assertions and debugging). */
  serverErrors: Error[];
  close(): Promise<void>;
}

export async function startTestIdp(opts: { audience?: string; groupsClaim?: string } = {}): Promise<TestIdp> {
  const audience = opts.audience ?? 'vigil';
  const groupsClaim = opts.groupsClaim ?? 'groups';
  const keys: JWK[] = [newSigningKey()];
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const serverErrors: Error[] = [];
  let provider: OidcProvider | undefined;
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const server = createServer((req, res) => {
    if (!provider || !handle) {
      res.writeHead(503).end();
      return;
    }
    const match = /^\/interaction\/([\w-]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && match) {
      finishInteraction(provider, req, res).catch((err: Error) => {
        serverErrors.push(err);
        res.writeHead(500).end(err.message);
      });
      return;
    }
    handle(req, res);
  });
  const port = await listen(server, 0);
  const issuer = `http://127.0.0.1:${port}`;

  const install = () => {
    provider = new Provider(issuer, providerConfig({ audience, groupsClaim, keys, cookieKeys }));
    provider.on('server_error', (_ctx, err) => serverErrors.push(err));
    handle = provider.callback();
  };
  install();

  return {
    issuer,
    audience,
    serverErrors,
    tokenFor: (clientId) => clientCredentialsToken(issuer, clientId),
    async rotateKeys() {
      keys.unshift(newSigningKey());
      install();
    },
    signingKey: () => {
      const [current] = keys;
      if (!current) throw new Error('test IdP has no signing key');
      return current;
    },
    login: (url, sub = 'alice') => followLogin(new URL(url), sub),
    down: () => stop(server),
    async up() {
      await listen(server, port);
    },
    close: () => stop(server),
  };
}

function providerConfig(c: { audience: string; groupsClaim: string; keys: JWK[]; cookieKeys: string[] }) {
  const groupsOf = (token: TokenModel): string[] | undefined =>
    token.accountId !== undefined
      ? TEST_USERS[token.accountId]?.groups
      : token.clientId !== undefined
        ? TEST_AGENT_CLIENTS[token.clientId]
        : undefined;
  return {
    clients: [
      ...Object.keys(TEST_AGENT_CLIENTS).map((id) => ({
        client_id: id,
        client_secret: `secret-${id}`,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      })),
      { client_id: IDE_CLIENT.id, client_secret: IDE_CLIENT.secret, redirect_uris: [IDE_REDIRECT_URI] },
      { client_id: IDE_CLIENT.publicId, token_endpoint_auth_method: 'none', redirect_uris: [IDE_REDIRECT_URI] },
    ],
    // A copy: oidc-provider consumes the configuration it is given.
    jwks: { keys: c.keys.map((k) => ({ ...k })) },
    cookies: { keys: c.cookieKeys },
    claims: { openid: ['sub', c.groupsClaim], profile: ['name'], email: ['email'] },
    // Put the requested claims into the ID token too, as most enterprise IdPs do for groups.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      ClientCredentials: 600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
    async findAccount(_ctx: unknown, sub: string) {
      const user = TEST_USERS[sub];
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, name: user.name, email: user.email, [c.groupsClaim]: user.groups }),
      };
    },
    async extraTokenClaims(_ctx: unknown, token: TokenModel) {
      const groups = groupsOf(token);
      return groups && groups.length > 0 ? { [c.groupsClaim]: groups } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => GATEWAY_RESOURCE,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx: unknown, indicator: string) {
          if (indicator !== GATEWAY_RESOURCE) throw new InvalidTarget();
          return { scope: 'vigil', audience: c.audience, accessTokenFormat: 'jwt', accessTokenTTL: 600 };
        },
      },
    },
  };
}

/** The interaction shortcut: log in as the user named by the `x-test-login` header and consent to everything asked. */
async function finishInteraction(provider: OidcProvider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const accountId = String(req.headers['x-test-login'] ?? 'alice');
  const clientId = String(details.params.client_id);
  const { missingOIDCScope = [], missingOIDCClaims = [], missingResourceScopes = {} } = details.prompt.details;
  const grant = new provider.Grant({ accountId, clientId });
  if (missingOIDCScope.length > 0) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims.length > 0) grant.addOIDCClaims(missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missingResourceScopes)) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } });
}

/** Follows the provider's redirects with a small cookie jar until it leaves the issuer (the client's callback). */
async function followLogin(start: URL, sub: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    if (url.origin !== start.origin) return url;
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: { cookie, 'x-test-login': sub } });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) {
      throw new Error(`test IdP login stopped at ${url.pathname}: HTTP ${res.status} ${await res.text()}`);
    }
    url = new URL(location, url);
  }
  throw new Error('test IdP login: too many redirects');
}

async function clientCredentialsToken(issuer: string, clientId: string): Promise<string> {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:secret-${clientId}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: GATEWAY_RESOURCE, scope: 'vigil' }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) {
    throw new Error(`test IdP token for ${clientId}: HTTP ${res.status} ${body.error}: ${body.error_description}`);
  }
  return body.access_token;
}

function newSigningKey(): JWK {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' } as JWK;
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: ReturnType<typeof createServer>): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
