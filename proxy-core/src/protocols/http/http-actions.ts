import type { CommandToCheck } from '../../pipeline/command-gate.types';
import { duplicateJsonKey } from './json-duplicate-keys';

/**
 * What an HTTP request asks for, as policy actions (`match: { methods, paths, hosts, body }`). The path is
 * normalized the way an upstream would read it, so a rule on `/iam/**` also sees `//iam/users` and `/%69am/users`.
 */

/** Structurally the policy engine's `HttpAction` (policy.types.ts), plus the parsed JSON body when there is one. */
export interface HttpRequestAction {
  readonly type: 'http';
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** The request body when it is JSON of at most `maxPolicyBodyBytes`; absent otherwise. */
  readonly body?: unknown;
  /** Why a request that has a body has none here for policy (see the policy engine's HttpAction). */
  readonly bodyUnread?: string;
}

/**
 * What the HTTP listener passes to `CommandGate.check`: the usual text, plus the actions already built, so an HTTP
 * gate evaluates `actions` (method, host, path, JSON body) instead of re-parsing the text.
 */
export interface HttpCommandToCheck extends CommandToCheck {
  actions: readonly HttpRequestAction[];
}

export interface HttpRequestInfo {
  method: string;
  /** Upstream host name (no port). */
  host: string;
  /** Raw path as sent upstream, with or without the query. */
  path: string;
  /** The request's headers (lower-case names, as Node gives them), for the method an upstream may take from them. */
  headers?: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Headers and a query parameter many frameworks read as the method instead of the request line's (Rails and
 * Laravel `_method`, Express method-override, ASP.NET, Spring's HiddenHttpMethodFilter): a POST carrying
 * `X-HTTP-Method-Override: DELETE` may delete. Such a request is judged as both methods; the strictest outcome wins.
 */
const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];
const METHOD_OVERRIDE_PARAM = /(?:^|&)_method=([^&]*)/i;

/** The methods `req` may stand for besides its own. */
export function overriddenMethods(req: HttpRequestInfo): string[] {
  const out = new Set<string>();
  for (const name of METHOD_OVERRIDE_HEADERS) {
    const value = req.headers?.[name];
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.add(v.trim().toUpperCase());
  }
  const q = req.path.indexOf('?');
  const param = q < 0 ? undefined : METHOD_OVERRIDE_PARAM.exec(req.path.slice(q + 1))?.[1];
  if (param !== undefined) out.add(decodeQueryValue(param).trim().toUpperCase());
  out.delete(req.method.toUpperCase());
  out.delete('');
  return [...out];
}

function decodeQueryValue(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

export function httpActions(req: HttpRequestInfo, bodyJson?: unknown, bodyUnread?: string): HttpRequestAction[] {
  const host = req.host.toLowerCase();
  const methods = [req.method.toUpperCase(), ...overriddenMethods(req)];
  const body = bodyJson !== undefined ? { body: bodyJson } : bodyUnread !== undefined ? { bodyUnread } : {};
  return methods.flatMap((method) =>
    pathReadings(req.path).map((path): HttpRequestAction => ({ type: 'http', method, host, path, ...body })),
  );
}

/**
 * Why a request's body is not there for policy, when it has one: not all of it was held, it is over the limit policy
 * reads, it is content-encoded, or it is not JSON. Undefined when there is no body or policy has it.
 */
export function unreadBody(
  read: { complete: boolean; body?: Buffer | undefined },
  bodyJson: unknown,
  limit: number,
  contentEncoding: string | undefined,
): string | undefined {
  if (bodyJson !== undefined) return undefined;
  if (!read.complete) return 'the body is larger than Vigil holds';
  const size = read.body?.length ?? 0;
  if (size === 0) return undefined;
  if (size > limit) return `the body is over limits.maxPolicyBodyBytes (${limit} bytes)`;
  if (isEncoded(contentEncoding)) return `the body is content-encoded (${contentEncoding?.trim().toLowerCase()})`;
  return 'the body is not JSON';
}

function isEncoded(contentEncoding: string | undefined): boolean {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  return encoding !== '' && encoding !== 'identity';
}

/**
 * The path as policy reads it (policyPath), then as upstreams that read paths more loosely would: `%2F`, `%5C` and
 * `\` as separators, `;parameters` dropped from segments (Tomcat, Jetty), and case folded (IIS, ASP.NET, Spring with
 * case-insensitive matching). Each reading is an action of its own and the strictest verdict wins, so a rule on
 * `/iam/**` also holds for `/IAM/users`, `/iam%2Fusers` and `/iam;x=1/users`.
 */
export function pathReadings(raw: string): string[] {
  const strict = policyPath(raw);
  const loose = withoutDotSegments(
    strict
      .replace(/%2F|%5C|\\/gi, '/')
      .replace(/;[^/]*/g, '')
      .replace(/\/{2,}/g, '/'),
  );
  return [...new Set([strict, loose, loose.toLowerCase()])];
}

/** RFC 3986 §5.2.4 on a path that became one only once `%2F` was read as `/` (`/a/..%2F..%2Fiam` is `/iam`). */
function withoutDotSegments(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/').slice(1)) {
    if (segment === '..') out.pop();
    else if (segment !== '.') out.push(segment);
  }
  const last = path.split('/').pop();
  if (last === '.' || last === '..') out.push('');
  return `/${out.join('/')}`;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * RFC 3986 §6.2.2: percent-encoded unreserved characters decoded, other escapes upper-cased (so `%2F` stays an
 * escaped slash, not a separator); the query dropped; runs of `/` collapsed as most servers do.
 */
export function policyPath(raw: string): string {
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : encoded.toUpperCase();
  });
  const collapsed = decoded.replace(/\/{2,}/g, '/');
  return collapsed === '' ? '/' : collapsed;
}

/** The command as people read it in the sessions list and approval cards: `DELETE /iam/users/7?force=true`. */
/** The request as people read it; with the methods an override header or parameter asks for. */
export function commandText(method: string, pathAndQuery: string, overrides: readonly string[] = []): string {
  const as = overrides.length > 0 ? ` (as ${overrides.join(', ')}, by method override)` : '';
  return `${method} ${pathAndQuery}${as}`;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Why a body declared as JSON could be read differently upstream than by policy, or undefined: it does not parse
 * (a lenient parser might take `{"role": "admin",}`), or an object names a key twice (parsers differ on which counts).
 */
export function ambiguousJsonBody(
  body: Buffer | undefined,
  limit: number,
  contentType: string | undefined,
  contentEncoding?: string,
): string | undefined {
  if (!body || body.length === 0 || body.length > limit || !JSON_TYPE.test(contentType ?? '')) return undefined;
  if (isEncoded(contentEncoding)) return undefined; // not read as JSON at all: see unreadBody
  const text = body.toString('utf8');
  try {
    JSON.parse(text);
  } catch (err) {
    return `the JSON body does not parse (${(err as Error).message})`;
  }
  const twice = duplicateJsonKey(text);
  return twice === undefined ? undefined : `the JSON body names "${twice}" twice in one object`;
}

/** The body as JSON for policy, when it looks like JSON (whatever its declared type) and parses. */
export function policyBody(body: Buffer | undefined, limit: number): unknown {
  if (!body || body.length === 0 || body.length > limit) return undefined;
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] !== 0x7b && body[i] !== 0x5b) return undefined; // `{` or `[`
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
