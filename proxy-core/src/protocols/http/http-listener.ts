/**
 * The HTTP API listener (`listen.http`): path-prefix addressing (`/c/CONNECTION/…`) and forward-proxy mode on the
 * same port. See README.md in this folder for the session model, what is recorded and the known limits.
 */
import { createServer, Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { listenOn } from '../../net/listen';
import { ClientConnection } from './client-connection';
import { clientErrorAnswer } from './client-error';
import { credentialSecrets, withCredentialMasking } from './credential-masker';
import { type ConnectionMasking, type ExchangeDeps, handleRequest } from './http-exchange';
import {
  DEFAULT_LIMITS,
  type HttpConnection,
  type HttpListener,
  type HttpListenerOptions,
} from './http-listener.types';
import { parseJsonPath } from './json-path';

/** Slow-header clients are cut off; a request held for approval is not (it has been received whole by then). */
const HEADERS_TIMEOUT_MS = 30_000;

export async function startHttpListener(opts: HttpListenerOptions): Promise<HttpListener> {
  const log = opts.logger;
  const clients = new Map<Socket, ClientConnection>();
  const compiled = new WeakMap<HttpConnection, ConnectionMasking>();
  const deps: ExchangeDeps = {
    options: opts,
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    agents: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
    masking(connection) {
      let masking = compiled.get(connection);
      if (!masking) {
        const secrets = credentialSecrets(connection.upstream.auth);
        masking = {
          // Invalid paths throw here: the exchange fails rather than going out unmasked (config checks them first).
          jsonPaths: (connection.masking?.jsonPaths ?? []).map(parseJsonPath),
          maskText: withCredentialMasking(connection.masking?.maskText ?? opts.maskText, secrets),
          secrets,
        };
        compiled.set(connection, masking);
      }
      return masking;
    },
    log,
  };

  const clientOf = (socket: Socket): ClientConnection => {
    let client = clients.get(socket);
    if (!client) {
      client = new ClientConnection(socket, opts, log);
      clients.set(socket, client);
    }
    return client;
  };
  const onRequest = (expectContinue: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res, clientOf(req.socket), deps, expectContinue).catch((err: unknown) => {
      log.error('request handling failed', { err });
      res.destroy();
    });
  };

  const server = createServer({ requestTimeout: 0, headersTimeout: HEADERS_TIMEOUT_MS }, onRequest(false));
  // Answer `Expect: 100-continue` only once the token is verified and the connection is known.
  server.on('checkContinue', onRequest(true));
  server.on('connection', (socket: Socket) => {
    const client = clientOf(socket);
    socket.once('close', () => void client.close('client closed the connection').finally(() => clients.delete(socket)));
  });
  server.on('connect', (_req: IncomingMessage, socket: Socket) =>
    refuseRaw(
      socket,
      405,
      'Method Not Allowed',
      'CONNECT tunnels are refused: Vigil must see every request. Send http:// URLs through the proxy; Vigil uses TLS to the upstream itself.',
    ),
  );
  server.on('upgrade', (_req: IncomingMessage, socket: Socket) =>
    refuseRaw(socket, 501, 'Not Implemented', 'protocol upgrades (WebSocket, h2c) are not supported through Vigil'),
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // ECONNRESET / EPIPE: the client went away mid-request; nothing to answer.
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) return socket.destroy();
    const answer = clientErrorAnswer(err);
    refuseRaw(socket, answer.status, answer.reason, answer.message);
  });
  server.on('error', (err) => log.error('http listener error', { err }));

  const address = await listenOn(server, opts.host, opts.port);
  log.info('http listener started', address);

  return {
    address,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of clients.keys()) socket.destroy();
      await Promise.all([...clients.values()].map((c) => c.close('gateway shutting down')));
      deps.agents.http.destroy();
      deps.agents.https.destroy();
      await closed;
    },
  };
}

/** For requests Node hands over as a raw socket (CONNECT, Upgrade, unparsable): answer and close. */
function refuseRaw(socket: Socket, status: number, reason: string, message: string): void {
  // Node no longer watches a socket it handed over; a client resetting it (ECONNRESET) must not crash the gateway.
  socket.on('error', () => {});
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
