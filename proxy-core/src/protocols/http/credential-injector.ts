/**
 * Puts the connection's credential on the upstream request. The agent's own `Authorization` is already gone
 * (header-rules.ts); what is added here is never recorded and never sent back to the agent.
 */
import type { UpstreamAuth } from './http-listener.types';
import { amzDate, signV4 } from './sigv4';

/**
 * Headers left out of the SigV4 signature because proxies and HTTP stacks may add or change them on the way (the
 * list of the AWS SDKs' signers); Node adds `connection` and `transfer-encoding` itself after signing.
 */
const UNSIGNED_HEADERS = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

export interface SigningContext {
  method: string;
  /** Raw path and query exactly as sent upstream. */
  path: string;
  /** Hex SHA-256 of the exact body bytes forwarded, or UNSIGNED-PAYLOAD for a streamed body. */
  payloadHash: string;
  now: Date;
}

/** Header names the credential occupies: an agent's own values for them are dropped, and never recorded. */
export function credentialHeaderNames(auth: UpstreamAuth | undefined): Set<string> {
  const names = new Set<string>();
  if (auth?.header) names.add(auth.header.name.toLowerCase());
  if (auth?.sigv4) for (const n of ['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']) names.add(n);
  return names;
}

/** Adds the credential to `headers` (lower-case names, `host` included). SigV4 goes last: it signs the others. */
export function injectCredential(
  headers: Record<string, string>,
  auth: UpstreamAuth | undefined,
  ctx: SigningContext,
): void {
  if (!auth) return;
  if (auth.bearer !== undefined) headers.authorization = `Bearer ${auth.bearer}`;
  if (auth.basic) {
    headers.authorization = `Basic ${Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64')}`;
  }
  if (auth.header) headers[auth.header.name.toLowerCase()] = auth.header.value;
  if (auth.sigv4) {
    const key = auth.sigv4;
    const date = amzDate(ctx.now);
    headers['x-amz-date'] = date;
    headers['x-amz-content-sha256'] = ctx.payloadHash;
    if (key.sessionToken) headers['x-amz-security-token'] = key.sessionToken;
    const signed: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (!UNSIGNED_HEADERS.has(name)) signed[name] = value;
    const q = ctx.path.indexOf('?');
    const path = q < 0 ? ctx.path : ctx.path.slice(0, q);
    const query = q < 0 ? '' : ctx.path.slice(q + 1);
    headers.authorization = signV4(
      { method: ctx.method, path, query, headers: signed, payloadHash: ctx.payloadHash },
      key,
      date,
    ).authorization;
  }
}
