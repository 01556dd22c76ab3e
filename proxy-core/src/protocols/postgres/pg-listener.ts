import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../logger';
import { listenOn } from '../../net/listen';
import type { CancelRegistry } from './cancel-registry';
import { PgError, SqlState, serializeCancelRequest } from './codec';
import { PgSession, type PgSessionDeps } from './pg-session';

export interface PgListener {
  server: Server;
  address: { host: string; port: number };
  close(): Promise<void>;
}

/**
 * The PostgreSQL listener: one PgSession per client connection. A connection over the session limit
 * is told why (53300) and closed before anything is read from it.
 */
export async function startPgListener(opts: {
  host: string;
  port: number;
  maxSessions: number;
  logger: Logger;
  deps: Omit<PgSessionDeps, 'forwardCancel'>;
  cancels: CancelRegistry;
}): Promise<PgListener> {
  const sockets = new Set<Socket>();
  const deps: PgSessionDeps = {
    ...opts.deps,
    forwardCancel: (pid, secret) => forwardCancel(opts.cancels, pid, secret, opts.logger),
  };
  const server = createServer({ pauseOnConnect: false, noDelay: true }, (socket) => {
    if (sockets.size >= opts.maxSessions) {
      socket.end(PgError.fatal(SqlState.TOO_MANY_CONNECTIONS, 'too many sessions on this Vigil gateway').toBytes());
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    try {
      new PgSession(socket, deps);
    } catch (err) {
      opts.logger.error('could not start a session', { err });
      socket.destroy();
    }
  });
  server.on('error', (err) => opts.logger.error('postgres listener error', { err }));
  const address = await listenOn(server, opts.host, opts.port);
  return {
    server,
    address,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** A CancelRequest carries the gateway-issued key: look up the real one and send it to that upstream. */
function forwardCancel(cancels: CancelRegistry, pid: number, secret: number, logger: Logger): void {
  const target = cancels.lookup(pid, secret);
  if (!target) {
    // As PostgreSQL does, say nothing to the sender of an unknown key.
    logger.info('cancel request with an unknown key ignored');
    return;
  }
  // A statement the gateway holds for approval never reached the upstream: its session withdraws it.
  if (target.onCancel?.()) {
    logger.info('cancel request withdrew a statement held for approval', { session: target.sessionId });
    return;
  }
  // A cancel may land after its session ended: that session's backend must not go to the next one (see shutdown).
  target.forwarded = true;
  const socket = connect({ host: target.host, port: target.port }, () =>
    socket.end(serializeCancelRequest(target.pid, target.secret)),
  );
  socket.on('error', (err) =>
    logger.warn('could not forward cancel request', { err: err.message, session: target.sessionId }),
  );
  logger.info('cancel request forwarded', { session: target.sessionId });
}
