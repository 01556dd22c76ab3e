import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Where the API is reached from: scheme and host as the browser sees them. */
export interface OriginPolicy {
  /** The server speaks TLS itself (cookies get `Secure`, WebSockets are `wss:`). */
  https: boolean;
  /** Set when the API sits behind a proxy under another origin, e.g. `https://vigil.example.com`. */
  publicOrigin: string | undefined;
}

/** A Host header value we are willing to echo into a CSP or compare with: host name or IP, optional port. */
const HOST_RE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

export function requestHost(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  return typeof host === 'string' && HOST_RE.test(host) ? host : undefined;
}

/** The API's own origin for this request: the configured public origin, else scheme + Host. */
export function ownOrigin(req: IncomingMessage, policy: OriginPolicy): string | undefined {
  if (policy.publicOrigin) return policy.publicOrigin.replace(/\/$/, '');
  const host = requestHost(req);
  return host ? `${policy.https ? 'https' : 'http'}://${host}` : undefined;
}

/**
 * True when the request's Origin is the API's own. Browsers always send Origin on WebSocket handshakes and
 * cross-origin POSTs, so a page on another site (cross-site WebSocket hijacking, login CSRF) fails this.
 * `missing` says what a request without Origin (curl, the CLI) gets.
 */
export function sameOrigin(req: IncomingMessage, policy: OriginPolicy, missing: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return missing;
  // Under `referrer-policy: no-referrer` Chromium sends `Origin: null` on same-origin form posts; the
  // browser-set (unforgeable by pages) Sec-Fetch-Site header says where the request really came from.
  if (origin === 'null') return req.headers['sec-fetch-site'] === 'same-origin';
  const own = ownOrigin(req, policy);
  return own !== undefined && origin.toLowerCase() === own.toLowerCase();
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

/**
 * The IDE's Content-Security-Policy: only our own scripts; Monaco needs inline styles and blob: workers;
 * the live socket is on our own host.
 */
export function contentSecurityPolicy(req: IncomingMessage, policy: OriginPolicy): string {
  const origin = ownOrigin(req, policy);
  const socket = origin ? ` ${origin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src 'self'${socket}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
