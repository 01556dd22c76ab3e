import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error whose status and message are meant for the API client (never a stack trace or internal detail). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    /** Extra JSON fields of the error body, e.g. `{ login: '/auth/login' }`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Largest JSON request body; a workbench query of 1 MiB of SQL is already far beyond any human's. */
export const MAX_JSON_BODY = 1024 * 1024;

/** Headers every response carries: no sniffing, no framing, no referrer leaking session ids in URLs. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
  });
  res.end(body);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { error: err.message, ...err.extra });
}

/**
 * Reads a JSON body of at most `limit` bytes: 413 beyond it (the rest is not read), 400 for bad JSON,
 * 415 for a body that is not declared JSON. An empty body reads as `{}` (e.g. POST …/terminate).
 */
export async function readJsonBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `request body is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'request body must be application/json');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

/** The body as a plain object, else 400. */
export function jsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** An optional query parameter as a non-negative integer within [min, max]; 400 for anything else. */
export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(400, `${name} must be a whole number`);
  const value = Number(raw);
  if (value < min) throw new HttpError(400, `${name} must be at least ${min}`);
  return Math.min(value, max);
}

/** An optional query parameter; empty counts as absent. */
export function stringParam(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  return value === null || value === '' ? undefined : value;
}

/** An optional query parameter that must be one of `allowed`. */
export function enumParam<T extends string>(url: URL, name: string, allowed: readonly T[]): T | undefined {
  const value = stringParam(url, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new HttpError(400, `${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** An optional date parameter (anything Date.parse accepts), normalized to ISO 8601. */
export function timeParam(url: URL, name: string): string | undefined {
  const value = stringParam(url, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new HttpError(400, `${name} is not a date`);
  return new Date(ms).toISOString();
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small self-contained HTML page (sign-in, errors, "IDE not built"), under the API's strict CSP. */
export function sendHtml(res: ServerResponse, status: number, title: string, bodyHtml: string, csp: string): void {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
.dev{background:#fff4ce;border:1px solid #d4a72c;padding:.5rem .75rem;border-radius:6px}
button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #1f6feb;background:#1f6feb;color:#fff;cursor:pointer}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}</style></head><body>${bodyHtml}</body></html>`;
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(page)),
    'cache-control': 'no-store',
    'content-security-policy': csp,
  });
  res.end(page);
}
