import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DevIssuer } from '../identity/dev-issuer';
import type { Logger } from '../logger';

export interface ApiServer {
  server: Server;
  address: { host: string; port: number };
  close(): Promise<void>;
}

/** The HTTP listener on `listen.api`: the development issuer's endpoints, health, and (later) the control API and IDE. */
export async function startApiServer(opts: {
  host: string;
  port: number;
  logger: Logger;
  devIssuer: DevIssuer | undefined;
}): Promise<ApiServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      if (opts.devIssuer?.handle(req, res)) return;
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    } catch (err) {
      opts.logger.error('api request failed', { err, url: req.url });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal error"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const address = typeof addr === 'object' && addr ? { host: addr.address, port: addr.port } : { host: opts.host, port: opts.port };
  return {
    server,
    address,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
