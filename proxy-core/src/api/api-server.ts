import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { listenOn } from '../net/listen';
import { StoreError } from '../store/store-error';
import type { ApiDeps, ApiServerOptions } from './api.types';
import { approvalRoutes } from './approval-routes';
import { AuditChainChecker } from './audit-chain-status';
import { auditRoutes } from './audit-routes';
import { AuthRoutes } from './auth-routes';
import { AuthSessionTable } from './auth-sessions';
import { authenticate, checkCsrf, READ_ROLES, requireRole } from './authenticate';
import { frameRoutes } from './frame-routes';
import { HttpError, readJsonBody, sendError, sendJson } from './http-io';
import { infoRoutes } from './info-routes';
import { LiveEvents } from './live-events';
import { RecordingCache } from './recording-cache';
import { sameOrigin } from './request-origin';
import { type ApiRoute, type RequestContext, Router } from './router';
import { sessionRoutes } from './session-routes';
import { staticFiles } from './static-files';
import { TerminalSockets } from './terminal-sockets';
import { Workbench } from './workbench';
import { workbenchRoutes } from './workbench-routes';

export type { ApiServerOptions } from './api.types';
export type { ApiRoute, RequestContext } from './router';

export interface ApiServer {
  server: Server;
  address: { host: string; port: number };
  /** e.g. `http://127.0.0.1:7480`. */
  url: string;
  /** Adds an endpoint, or replaces the one with the same method and path (e.g. `POST /api/evidence`). */
  addRoute(route: ApiRoute): void;
  routes(): ApiRoute[];
  close(): Promise<void>;
}

const LIVE_PATH = '/api/live';
/** Client → server messages on the live socket are tiny (`watch` / `unwatch`). */
const MAX_WS_MESSAGE = 64 * 1024;

/**
 * The HTTP(S) listener on `listen.api`: the control API (DESIGN.md, "Control API — contract"), its live
 * WebSocket, the sign-in endpoints, the development issuer's discovery (in --demo) and the built IDE.
 */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const sessions = new AuthSessionTable();
  const deps: ApiDeps = {
    ...opts,
    sessions,
    origin: { https: opts.tls !== undefined, publicOrigin: opts.publicOrigin },
  };
  const log = opts.logger;
  const cache = new RecordingCache(opts.store, log);
  const workbench = new Workbench({ address: opts.postgresAddress, store: opts.store, logger: log, hub: opts.hub });
  const live = new LiveEvents({ hub: opts.hub, approvals: opts.approvals, store: opts.store, sessions, logger: log });
  const auth = new AuthRoutes(deps);
  const terminals = new TerminalSockets(deps);
  const statics = staticFiles(opts.staticDir, deps.origin);
  sessions.onEnd((s) => workbench.closeOwner(s.id));

  const router = new Router();
  for (const route of [
    ...infoRoutes(deps, () => auth.demo),
    ...sessionRoutes(deps),
    ...frameRoutes(deps, cache),
    ...approvalRoutes(deps),
    ...auditRoutes(deps, new AuditChainChecker(opts.store)),
    ...workbenchRoutes(deps, workbench),
    ...(opts.routes ?? []),
  ]) {
    router.add(route);
  }

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const match = router.match(req.method ?? 'GET', url.pathname);
    if (match.kind === 'not-found') throw new HttpError(404, `no such endpoint: ${req.method} ${url.pathname}`);
    if (match.kind === 'method-not-allowed') {
      res.setHeader('allow', match.allow.join(', '));
      throw new HttpError(405, `${req.method} is not allowed here (allowed: ${match.allow.join(', ')})`);
    }
    const who = await authenticate(req, deps);
    requireRole(who, match.route.roles);
    checkCsrf(req, who);
    let body: Promise<unknown> | undefined;
    const ctx: RequestContext = {
      req,
      res,
      url,
      params: match.params,
      auth: who,
      body: () => (body ??= readJsonBody(req)),
    };
    const value = await match.route.handle(ctx);
    if (!res.headersSent && !res.writableEnded) sendJson(res, 200, value ?? { ok: true });
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    try {
      if (opts.devIssuer?.handle(req, res)) return;
      if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
      if (url.pathname.startsWith('/auth/') && (await auth.handle(req, res, url))) return;
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return await api(req, res, url);
      await statics(req, res, url);
    } catch (err) {
      answerError(req, res, url, err);
    }
  };

  const answerError = (req: IncomingMessage, res: ServerResponse, url: URL, err: unknown): void => {
    const known = toHttpError(err);
    if (!known) log.error('api request failed', { err, method: req.method, path: url.pathname });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, known ?? new HttpError(500, 'internal error'));
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE, perMessageDeflate: false });
  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    // A client that vanishes mid-handshake: nothing to clean up but the socket itself.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    if (url.pathname === terminals.path) return terminals.upgrade(req, socket, head);
    if (url.pathname !== LIVE_PATH) return refuseUpgrade(socket, new HttpError(404, 'no WebSocket here'));
    try {
      const who = await authenticate(req, deps);
      requireRole(who, READ_ROLES);
      // Browsers send Origin on every WebSocket handshake: a page on another site must not ride the cookie.
      if (!sameOrigin(req, deps.origin, who.via === 'bearer'))
        throw new HttpError(403, 'cross-origin WebSocket refused');
      wss.handleUpgrade(req, socket, head, (ws) => live.add(ws, who));
    } catch (err) {
      const known = toHttpError(err);
      if (!known) log.error('live socket handshake failed', { err });
      refuseUpgrade(socket, known ?? new HttpError(500, 'internal error'));
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => void onRequest(req, res);
  const server: Server = opts.tls
    ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler)
    : createServer(handler);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void onUpgrade(req, socket, head));
  const address = await listenOn(server, opts.host, opts.port);
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;

  return {
    server,
    address,
    url: `${opts.tls ? 'https' : 'http'}://${host}:${address.port}`,
    addRoute: (route) => router.add(route),
    routes: () => router.list(),
    async close() {
      live.close();
      terminals.close();
      workbench.close();
      cache.close();
      sessions.close();
      await new Promise<void>((resolve) => {
        wss.close(() => resolve());
      });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Errors whose message is meant for the client; anything else is an internal error (logged, not shown). */
function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof StoreError) {
    const status =
      { not_found: 404, conflict: 409, invalid_transition: 409, schema_too_new: 500 }[err.code as string] ?? 400;
    return new HttpError(status, err.message);
  }
  return undefined;
}

function refuseUpgrade(socket: Duplex, err: HttpError): void {
  const body = JSON.stringify({ error: err.message });
  socket.end(
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
