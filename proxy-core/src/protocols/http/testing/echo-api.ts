/**
 * A real HTTP API (node:http) for the connector's tests: it echoes what it received (so credential injection can be
 * checked), verifies SigV4 signatures by recomputing them, serves JSON with personal data, and streams bodies of
 * any size generated on the fly.
 */

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigV4Credentials } from '../http-listener.types';
import { SIGV4_ALGORITHM, sha256Hex, signV4, UNSIGNED_PAYLOAD } from '../sigv4';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sigv4: SigV4Check | undefined;
}

export type SigV4Check = { valid: true } | { valid: false; reason: string };

export interface EchoApi {
  url: string;
  port: number;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** JSON an API could return, with personal data to mask. */
export const USERS = {
  users: [
    { id: 1, name: 'Alice', email: 'alice@example.com', card: '4111 1111 1111 1111', note: 'VIP' },
    { id: 2, name: 'Bob', email: 'bob@example.org', card: '5500 0000 0000 0004', note: 'call +1 415 555 0100' },
  ],
  total: 0,
  contact: 'ops is reachable at ops@example.net',
};

/** USERS as the API sends it: indented, and with an integer beyond 2^53 that must reach the agent digit for digit. */
export const USERS_JSON = JSON.stringify(USERS, null, 2).replace('"total": 0', '"total": 12345678901234567890');

/** A line of the generated stream (compressible, like logs): the recording stays small. */
const STREAM_BLOCK = Buffer.from(
  'vigil streaming test line: the quick brown fox jumps over the lazy dog\n'.repeat(900),
);

/** Incompressible (each recording chunk is compressed on its own, and this repeats only every MiB). */
const RANDOM_BLOCK = randomBytes(1024 * 1024);

export async function startEchoApi(opts: { sigv4?: SigV4Credentials } = {}): Promise<EchoApi> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    route(req, res, received, opts.sigv4).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(err.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  received: ReceivedRequest[],
  sigv4: SigV4Credentials | undefined,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://upstream');
  if (url.pathname === '/download') {
    const block = url.searchParams.get('random') === '1' ? RANDOM_BLOCK : STREAM_BLOCK;
    return download(res, Number(url.searchParams.get('bytes') ?? 0), block);
  }
  if (url.pathname.endsWith('/sink')) return sink(req, res, received, sigv4);
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const check = isSigned(req, sigv4) ? verifySigV4(req, sha256Hex(body), sigv4) : undefined;
  received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, sigv4: check });
  if (url.pathname.endsWith('/users')) return json(res, 200, USERS_JSON);
  if (url.pathname.endsWith('/text')) return text(res);
  if (url.pathname.endsWith('/gzip-json')) return gzipJson(res);
  json(
    res,
    200,
    JSON.stringify({
      method: req.method,
      url: req.url,
      headers: req.headers,
      bodyLength: body.length,
      bodySha256: sha256Hex(body),
      body: body.toString('utf8'),
      sigv4: check,
    }),
  );
}

function isSigned(req: IncomingMessage, key: SigV4Credentials | undefined): key is SigV4Credentials {
  return key !== undefined && req.headers.authorization?.startsWith(SIGV4_ALGORITHM) === true;
}

/** Consumes an upload of any size without keeping it: answers its length and SHA-256. */
async function sink(
  req: IncomingMessage,
  res: ServerResponse,
  received: ReceivedRequest[],
  sigv4: SigV4Credentials | undefined,
): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  const bodySha256 = hash.digest('hex');
  const check = isSigned(req, sigv4) ? verifySigV4(req, bodySha256, sigv4) : undefined;
  received.push({
    method: req.method ?? '',
    url: req.url ?? '',
    headers: req.headers,
    body: Buffer.alloc(0),
    sigv4: check,
  });
  json(res, 200, JSON.stringify({ bytes, bodySha256, sigv4: check, headers: req.headers }));
}

function json(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'set-cookie': ['session=upstream-secret; HttpOnly', 'theme=dark'],
  });
  res.end(body);
}

/** Text in small chunks, with secrets split across chunk boundaries. */
async function text(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  const parts = [
    'line 1: write to carol@exam',
    'ple.com today\n',
    'line 2: key AKIAIOSF',
    'ODNN7EXAMPLE\n',
    'line 3: nothing\n',
  ];
  for (const part of parts) {
    res.write(part);
    await new Promise((r) => setTimeout(r, 5));
  }
  res.end();
}

async function gzipJson(res: ServerResponse): Promise<void> {
  const { gzipSync } = await import('node:zlib');
  const body = gzipSync(JSON.stringify(USERS));
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
  res.end(body);
}

/** `bytes` of generated data, written with backpressure so the test API itself stays small. */
function download(res: ServerResponse, bytes: number, block: Buffer): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
  let left = bytes;
  return new Promise((resolve, reject) => {
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, block.length);
        left -= n;
        const more = res.write(n === block.length ? block : block.subarray(0, n));
        if (!more && left > 0) return void res.once('drain', pump);
      }
      res.end(resolve);
    };
    res.on('error', reject);
    res.on('close', () => resolve());
    pump();
  });
}

/** The upstream's side of SigV4: recompute the signature over what actually arrived (headers, path, body). */
export function verifySigV4(req: IncomingMessage, bodySha256: string, key: SigV4Credentials): SigV4Check {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      req.headers.authorization ?? '',
    );
  if (!m) return { valid: false, reason: 'malformed Authorization' };
  const [, accessKeyId, , region, service, signedHeaders = '', signature] = m;
  if (accessKeyId !== key.accessKeyId || region !== key.region || service !== key.service) {
    return { valid: false, reason: 'wrong credential scope' };
  }
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== UNSIGNED_PAYLOAD && payloadHash !== bodySha256)
    return { valid: false, reason: 'body hash mismatch' };
  if (key.sessionToken && req.headers['x-amz-security-token'] !== key.sessionToken) {
    return { valid: false, reason: 'session token missing' };
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) {
    const value = req.headers[name];
    if (value === undefined) return { valid: false, reason: `signed header ${name} missing` };
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const expected = signV4(
    {
      method: req.method ?? '',
      path: q < 0 ? raw : raw.slice(0, q),
      query: q < 0 ? '' : raw.slice(q + 1),
      headers,
      payloadHash,
    },
    key,
    String(req.headers['x-amz-date'] ?? ''),
  );
  return expected.signature === signature ? { valid: true } : { valid: false, reason: 'signature mismatch' };
}
