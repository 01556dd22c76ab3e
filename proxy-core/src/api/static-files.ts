import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BASE_HEADERS, sendHtml } from './http-io';
import { contentSecurityPolicy, type OriginPolicy } from './request-origin';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names built assets `name-<hash>.ext`: their content never changes under that name. */
const HASHED_ASSET = /^\/assets\/.+[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * Serves the built IDE (`renderer/dist`) with an SPA fallback to index.html, long caching for hashed assets and
 * the strict CSP; without a build, a page that says how to make one. Never serves outside `dir`.
 */
export function staticFiles(dir: string | undefined, origin: OriginPolicy) {
  const root = dir ? resolve(dir) : undefined;

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const csp = contentSecurityPolicy(req, origin);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { ...BASE_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain' })
        .end('method not allowed');
      return;
    }
    const index = root ? await fileAt(root, '/index.html') : undefined;
    if (!root || !index) return notBuilt(res, csp);
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, { ...BASE_HEADERS, 'content-type': 'text/plain' }).end('bad path');
      return;
    }
    const file = pathname === '/' ? index : await fileAt(root, pathname);
    if (file) return send(req, res, file, pathname === '/' ? '/index.html' : pathname, csp);
    // Client-side routes (/sessions/…) get the app; a missing asset (/assets/x.js) is a plain 404.
    if (extname(pathname) !== '' && pathname.startsWith('/assets/')) {
      res.writeHead(404, { ...BASE_HEADERS, 'content-type': 'text/plain' }).end('not found');
      return;
    }
    return send(req, res, index, '/index.html', csp);
  };
}

async function fileAt(root: string, pathname: string): Promise<{ path: string; stats: Stats } | undefined> {
  if (pathname.includes('\0')) return undefined;
  const path = join(root, pathname);
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  try {
    const stats = await stat(path);
    return stats.isFile() ? { path, stats } : undefined;
  } catch {
    return undefined;
  }
}

async function send(
  req: IncomingMessage,
  res: ServerResponse,
  file: { path: string; stats: Stats },
  pathname: string,
  csp: string,
): Promise<void> {
  const etag = `W/"${file.stats.size.toString(16)}-${Math.floor(file.stats.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    ...BASE_HEADERS,
    'content-type': CONTENT_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': HASHED_ASSET.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-security-policy': csp,
    etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  headers['content-length'] = String(file.stats.size);
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(file.path), res).catch((err: NodeJS.ErrnoException) => {
    // The browser went away mid-file: nothing to answer.
    if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  });
}

function notBuilt(res: ServerResponse, csp: string): void {
  sendHtml(
    res,
    503,
    'Vigil IDE not built',
    `<h1>The Vigil IDE is not built yet</h1>
<p>The control API is running, but there is no IDE build to serve. Build it from the repository root:</p>
<p><code>npm run build -w renderer</code></p>
<p>then reload this page. The API itself is under <code>/api/</code>.</p>`,
    csp,
  );
}
