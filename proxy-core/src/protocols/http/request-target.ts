/**
 * Where a request goes: the agent addresses a connection either by path prefix (`/c/NAME/rest?query`, RFC 9112
 * origin-form) or, speaking to Vigil as a forward proxy, by the upstream's own URL (absolute-form). Pure functions
 * over the request target; the forwarded path is the agent's raw bytes, never a re-encoded form.
 */
import { HttpError } from './http-error';
import type { HttpConnection } from './http-listener.types';

export type RequestTarget =
  | { mode: 'path'; connection: string; pathAndQuery: string }
  | { mode: 'proxy'; hostname: string; port: string; pathAndQuery: string };

export interface UpstreamTarget {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** Value of the Host header (port only when not the default). */
  host: string;
  /** Raw path and query sent upstream: the connection's base path + the agent's path. */
  path: string;
  /** Full URL, for the recording and logs. */
  url: string;
  /** The connection's upstream URL without credentials or query: the session's `upstream`. */
  base: string;
}

const CONNECTION_PREFIX = '/c/';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const ABSOLUTE = /^https?:\/\//i;

export function parseRequestTarget(raw: string): RequestTarget {
  if (ABSOLUTE.test(raw)) return parseAbsolute(raw);
  if (!raw.startsWith('/')) throw new HttpError(400, 'request target must be a path (/c/CONNECTION/…) or a URL');
  if (!raw.startsWith(CONNECTION_PREFIX)) {
    throw new HttpError(404, 'address an API through Vigil as /c/CONNECTION/path (or use Vigil as an HTTP proxy)');
  }
  const rest = raw.slice(CONNECTION_PREFIX.length);
  const end = firstOf(rest, '/?#');
  const connection = rest.slice(0, end);
  if (!NAME.test(connection)) throw new HttpError(404, 'no connection name after /c/');
  const pathAndQuery = normalizeStart(stripFragment(rest.slice(end)));
  checkPath(pathAndQuery);
  return { mode: 'path', connection, pathAndQuery };
}

function parseAbsolute(raw: string): RequestTarget {
  const schemeEnd = raw.indexOf('://') + 3;
  const authorityEnd = schemeEnd + firstOf(raw.slice(schemeEnd), '/?#');
  const authority = raw.slice(schemeEnd, authorityEnd);
  if (authority.includes('@')) throw new HttpError(400, 'credentials in the request URL are not accepted');
  let url: URL;
  try {
    url = new URL(`${raw.slice(0, schemeEnd)}${authority}/`);
  } catch {
    throw new HttpError(400, 'request URL has an invalid host');
  }
  const pathAndQuery = normalizeStart(stripFragment(raw.slice(authorityEnd)));
  checkPath(pathAndQuery);
  return { mode: 'proxy', hostname: url.hostname, port: url.port, pathAndQuery };
}

/** Index of the first of `chars` in `s`, or its length. */
function firstOf(s: string, chars: string): number {
  for (let i = 0; i < s.length; i++) if (chars.includes(s[i] as string)) return i;
  return s.length;
}

function stripFragment(s: string): string {
  const hash = s.indexOf('#');
  return hash < 0 ? s : s.slice(0, hash);
}

function normalizeStart(s: string): string {
  return s.startsWith('/') ? s : `/${s}`;
}

/**
 * Dot segments (also percent-encoded) are refused: the upstream may resolve them differently from the policy,
 * which would let `/public/..%2e/iam/users` past a rule on `/iam/**`.
 */
function checkPath(pathAndQuery: string): void {
  const path = pathAndQuery.slice(0, firstOf(pathAndQuery, '?'));
  for (const segment of path.split('/')) {
    const s = segment.replace(/%2e/gi, '.');
    if (s === '.' || s === '..') throw new HttpError(400, 'paths with "." or ".." segments are not accepted');
  }
}

/**
 * The upstream request for `pathAndQuery` on `connection`. By path prefix, the agent's path is relative to the
 * connection's URL (`/c/api/users` → `https://host/v1/users`); as a proxy, the agent already names the real path.
 */
export function upstreamTarget(connection: HttpConnection, pathAndQuery: string, relative = true): UpstreamTarget {
  const base = new URL(connection.upstream.url);
  const protocol = base.protocol === 'https:' ? 'https:' : 'http:';
  const basePath = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
  const path = relative ? `${basePath}${pathAndQuery}` : pathAndQuery;
  const port = base.port ? Number(base.port) : protocol === 'https:' ? 443 : 80;
  return {
    protocol,
    hostname: base.hostname,
    port,
    host: base.host,
    path,
    url: `${base.origin}${path}`,
    base: `${base.origin}${basePath}`,
  };
}

/**
 * The connection a proxy request is for: the one whose upstream host is the URL's host. A port in the URL must be
 * the upstream's; without one any upstream port matches (the agent says `http://api.example` for an https API).
 * Several connections on one host are told apart with the `Vigil-Connection` header.
 */
export function findProxyConnection(
  target: Extract<RequestTarget, { mode: 'proxy' }>,
  connections: readonly HttpConnection[],
  chosen: string | undefined,
): HttpConnection {
  const matches = connections.filter((c) => {
    const up = upstreamTarget(c, '/');
    return up.hostname === target.hostname && (target.port === '' || Number(target.port) === up.port);
  });
  const named = chosen === undefined ? matches : matches.filter((c) => c.name === chosen);
  const [only, ...more] = named;
  if (!only) {
    const host = target.port ? `${target.hostname}:${target.port}` : target.hostname;
    throw new HttpError(403, `host ${host} is not an API connection of this Vigil gateway`);
  }
  if (more.length > 0) {
    throw new HttpError(400, 'several connections serve this host: name one with the Vigil-Connection header', {
      connections: named.map((c) => c.name),
    });
  }
  return only;
}
