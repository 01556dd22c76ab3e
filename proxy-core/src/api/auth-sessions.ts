import { randomBytes } from 'node:crypto';
import type { Principal } from '../identity/identity.types';

/** How the gateway can act as this human on its own listeners (the workbench). */
export type HumanCredential =
  /** The access token from the OIDC sign-in (or the Bearer token of a script). */
  | { kind: 'token'; token: string }
  /** Signed in through the development issuer: a token is minted when one is needed. */
  | { kind: 'dev' };

/** A signed-in human of the IDE, kept server-side; the browser holds only the random id in a cookie. */
export interface AuthSession {
  id: string;
  principal: Principal;
  /** Must come back as `X-CSRF-Token` on every state-changing request made with the cookie. */
  csrf: string;
  credential: HumanCredential;
  createdAt: number;
  /** Epoch ms; never later than the token the session came from. */
  expiresAt: number;
}

export const SESSION_COOKIE = 'vigil_session';
/** However long the IdP's token lives, a browser session lasts at most this long. */
const MAX_SESSION_MS = 12 * 3600 * 1000;
const MAX_SESSIONS = 10_000;

/** The in-memory session table, keyed by a 256-bit random id; expired sessions are swept. */
export class AuthSessionTable {
  private readonly sessions = new Map<string, AuthSession>();
  private readonly endListeners = new Set<(session: AuthSession) => void>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  create(principal: Principal, credential: HumanCredential): AuthSession {
    const now = this.now();
    const session: AuthSession = {
      id: randomBytes(32).toString('base64url'),
      principal,
      csrf: randomBytes(32).toString('base64url'),
      credential,
      createdAt: now,
      expiresAt: Math.min(principal.expiresAt * 1000, now + MAX_SESSION_MS),
    };
    if (this.sessions.size >= MAX_SESSIONS) this.evictOldest();
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, or undefined (unknown or expired). */
  get(id: string): AuthSession | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.end(session);
      return undefined;
    }
    return session;
  }

  destroy(id: string): void {
    const session = this.sessions.get(id);
    if (session) this.end(session);
  }

  /** Called when a session ends (sign-out, expiry): close what belongs to it. */
  onEnd(listener: (session: AuthSession) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  get size(): number {
    return this.sessions.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const session of [...this.sessions.values()]) this.end(session);
  }

  private sweep(): void {
    const now = this.now();
    for (const session of [...this.sessions.values()]) if (session.expiresAt <= now) this.end(session);
  }

  private evictOldest(): void {
    const oldest = this.sessions.values().next().value;
    if (oldest) this.end(oldest);
  }

  private end(session: AuthSession): void {
    this.sessions.delete(session.id);
    for (const l of this.endListeners) l(session);
  }
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const name = eq > 0 ? part.slice(0, eq).trim() : '';
    if (name === '') continue;
    // The first of duplicate names wins, as browsers send the most specific (longest path) first.
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. Absent: a browser-session cookie. */
  maxAge?: number;
  secure: boolean;
  sameSite: 'Strict' | 'Lax';
  path?: string;
}

/** Always HttpOnly: no script in the page (or injected into it) ever reads a Vigil cookie. */
export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${opts.path ?? '/'}`, 'HttpOnly', `SameSite=${opts.sameSite}`];
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(opts.maxAge))}`);
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
