import type { CommandToCheck } from '../../pipeline/command-gate.types';

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
}

export function httpActions(req: HttpRequestInfo, bodyJson?: unknown): HttpRequestAction[] {
  const action = {
    type: 'http',
    method: req.method.toUpperCase(),
    host: req.host.toLowerCase(),
    path: policyPath(req.path),
  } as const;
  return [bodyJson === undefined ? action : { ...action, body: bodyJson }];
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
export function commandText(method: string, pathAndQuery: string): string {
  return `${method} ${pathAndQuery}`;
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
