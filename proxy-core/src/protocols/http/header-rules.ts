/**
 * Which headers cross Vigil, which are Vigil's own, and which never reach a recording.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1 (Connection and hop-by-hop fields)
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Hop-by-hop fields (RFC 9110 §7.6.1, plus the de-facto `keep-alive` and `proxy-connection`). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Agent headers that never go upstream: its Vigil token, Vigil's own selector, and what Vigil sets itself (host,
 * length, encoding negotiation, `expect`, which Node answers on the agent's side).
 */
const NOT_FORWARDED = new Set([
  'authorization',
  'host',
  'content-length',
  'expect',
  'accept-encoding',
  'vigil-connection',
]);

/** Secrets that recordings show as `[redacted]`: tokens and credentials in either direction. */
const REDACTED_IN_RECORDING = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-amz-security-token',
  'x-api-key',
]);

export const REDACTED = '[redacted]';

/** Fields named in `Connection` are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionListed(connection: string | string[] | undefined): Set<string> {
  const value = Array.isArray(connection) ? connection.join(',') : (connection ?? '');
  return new Set(
    value
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Agent headers to send upstream, lower-cased, one value each (repeated fields joined as RFC 9110 §5.3 allows). */
export function forwardRequestHeaders(headers: IncomingHttpHeaders, drop: ReadonlySet<string>): Record<string, string> {
  const listed = connectionListed(headers.connection);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_FORWARDED.has(name) || listed.has(name) || drop.has(name)) {
      continue;
    }
    out[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
  }
  return out;
}

/** Upstream response headers for the agent, from the raw list so repeated `set-cookie` fields stay separate. */
export function forwardResponseHeaders(rawHeaders: readonly string[], drop: ReadonlySet<string>): OutgoingHttpHeaders {
  const listed = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === 'connection') {
      for (const n of connectionListed(rawHeaders[i + 1])) listed.add(n);
    }
  }
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = rawHeaders[i + 1] as string;
    if (HOP_BY_HOP.has(name) || listed.has(name) || drop.has(name)) continue;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function headerLine(name: string, value: string, redact: ReadonlySet<string>): string {
  const lower = name.toLowerCase();
  return `${name}: ${REDACTED_IN_RECORDING.has(lower) || redact.has(lower) ? REDACTED : value}\r\n`;
}

/** The request as the agent sent it, for the recording: request line and headers, secrets redacted. */
export function recordedRequestHead(
  req: { method?: string | undefined; url?: string | undefined; httpVersion: string; rawHeaders: string[] },
  redact: ReadonlySet<string>,
): string {
  let head = `${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}\r\n`;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    head += headerLine(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string, redact);
  }
  return `${head}\r\n`;
}

/** The response head as the agent receives it (Node adds only `date`, framing and `connection`). */
export function recordedResponseHead(status: number, message: string, headers: OutgoingHttpHeaders): string {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) head += headerLine(name, String(v), new Set());
  }
  return `${head}\r\n`;
}
