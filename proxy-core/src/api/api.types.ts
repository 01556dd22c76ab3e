import type { ApprovalBroker } from '../approvals/approval-broker';
import type { DevIssuer } from '../identity/dev-issuer';
import type { HumanLoginOptions } from '../identity/human-login';
import type { TokenVerifier } from '../identity/token-verifier';
import type { Logger } from '../logger';
import type { SessionHub } from '../pipeline/session-events';
import type { Store } from '../store/store.types';
import type { AuthSessionTable } from './auth-sessions';
import type { OriginPolicy } from './request-origin';
import type { ApiRoute } from './router';

/** Everything the control API needs; built by the composition root (gateway.ts). */
export interface ApiServerOptions {
  /** `listen.api`. */
  host: string;
  port: number;
  logger: Logger;
  store: Store;
  hub: SessionHub;
  approvals: ApprovalBroker;
  /** The gateway's verifier: Bearer tokens, and the access token a sign-in returns. */
  verifier: TokenVerifier;
  /** People sign in with OIDC authorization code + PKCE at this IdP (`auth.clientId` in vigil.yaml). */
  humanLogin?: HumanLoginOptions;
  /**
   * `--demo` / `auth.issuer: dev`: its discovery and JWKS are served here, and (without `humanLogin`)
   * /auth/login offers a one-click, loopback-only sign-in as the demo admin.
   */
  devIssuer?: DevIssuer;
  /** Who the demo sign-in makes you; default `demo-admin` in `vigil-admins`. */
  demoAdmin?: { sub: string; groups: string[]; name?: string };
  /** `connections` from config (the workbench and the IDE's connection picker). */
  connections: readonly { name: string; type: string; description?: string }[];
  /** The gateway's own PostgreSQL listener: the workbench connects there as the signed-in human. */
  postgresAddress: { host: string; port: number };
  /** The gateway's own SSH listener (`listen.ssh`): the IDE's terminal connects there as the signed-in human. */
  sshAddress?: { host: string; port: number };
  /** The gateway's recording / evidence signing key, public part. */
  signingKey: { fingerprint: string; publicKeyPem: string };
  /** The built IDE (`renderer/dist`); may not exist. */
  staticDir?: string;
  /** Serve HTTPS (cookies then get `Secure`). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Behind a reverse proxy: the origin browsers use, e.g. `https://vigil.example.com`. */
  publicOrigin?: string;
  /** More endpoints (e.g. the evidence packets); a route with the same method and path replaces the built-in one. */
  routes?: ApiRoute[];
}

/** What the route modules share. */
export interface ApiDeps extends ApiServerOptions {
  sessions: AuthSessionTable;
  origin: OriginPolicy;
}
