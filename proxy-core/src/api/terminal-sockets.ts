import { type IncomingMessage, STATUS_CODES } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ApiDeps } from './api.types';
import { ADMIN_ROLES, type Authenticated, authenticate, requireRole } from './authenticate';
import { HttpError } from './http-io';
import { sameOrigin } from './request-origin';
import { TerminalBridge, type TerminalEnd } from './terminal-bridge';
import {
  sizeFromQuery,
  TERMINAL_CLOSE,
  TERMINAL_PATH,
  type TerminalEvent,
  type TerminalSize,
} from './terminal-protocol';
import { ownerOf } from './workbench-routes';

/** Keystrokes and pastes: a paste larger than this closes the socket (1009), so the IDE sends it in pieces. */
const MAX_WS_MESSAGE = 1024 * 1024;
const MAX_TERMINALS = 200;
const HEARTBEAT_MS = 30_000;
const NO_SSH = 'the SSH gateway is not enabled on this Vigil (listen.ssh in vigil.yaml)';

/**
 * `WS /api/terminal?connection=NAME&cols=&rows=`: the IDE's terminal tab. An admin (cookie with a same-origin
 * handshake, or Bearer) gets a PTY shell on an `ssh` connection through the gateway's own SSH listener, as
 * themselves: recorded and policy-checked like any agent's session. Audited as `terminal.open` / `terminal.close`.
 */
export class TerminalSockets {
  readonly path = TERMINAL_PATH;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE, perMessageDeflate: false });
  private readonly open = new Map<TerminalBridge, Authenticated>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly stopOnSignOut: () => void;

  constructor(private readonly deps: ApiDeps) {
    this.stopOnSignOut = deps.sessions.onEnd((s) => {
      for (const [bridge, auth] of [...this.open])
        if (auth.session?.id === s.id) bridge.close(TERMINAL_CLOSE.signedOut, 'signed out');
    });
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /**
   * Answers the upgrade. Who may connect is settled by HTTP status before any WebSocket exists (401, 403); what
   * they asked for (an unknown connection, no SSH listener) is answered in the socket, as an `error` event the IDE
   * can show: a browser never sees the status of a refused handshake.
   */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A client that vanishes mid-handshake: nothing to clean up but the socket itself.
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'http://api.invalid');
      const who = await authenticate(req, this.deps);
      requireRole(who, ADMIN_ROLES);
      // Browsers send Origin on every WebSocket handshake: a page on another site must not ride the cookie.
      if (!sameOrigin(req, this.deps.origin, who.via === 'bearer'))
        throw new HttpError(403, 'cross-origin WebSocket refused');
      const connection = url.searchParams.get('connection') ?? '';
      const refusal = this.refusal(connection);
      const size = sizeFromQuery(url.searchParams);
      const owner = ownerOf(who, this.deps);
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const address = this.deps.sshAddress;
        if (refusal || !address) {
          const event: TerminalEvent = { type: 'error', message: refusal ?? NO_SSH };
          ws.send(JSON.stringify(event));
          ws.close(TERMINAL_CLOSE.normal, 'refused');
          return;
        }
        this.audit('terminal.open', who, connection, { cols: size.cols, rows: size.rows, via: who.via });
        const bridge: TerminalBridge = new TerminalBridge({
          ws,
          address: dialAddress(address),
          connection,
          size,
          password: owner.password,
          findSession: (port) => this.findSession(who, connection, port),
          logger: this.deps.logger.child({ part: 'terminal', principal: who.principal.sub, connection }),
          onEnd: (end) => {
            this.open.delete(bridge);
            this.closed(who, connection, size, end);
          },
        });
        this.open.set(bridge, who);
      });
    } catch (err) {
      if (!(err instanceof HttpError)) this.deps.logger.error('terminal handshake failed', { err });
      refuse(socket, err instanceof HttpError ? err : new HttpError(500, 'internal error'));
    }
  }

  get size(): number {
    return this.open.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.stopOnSignOut();
    for (const bridge of [...this.open.keys()]) bridge.close(TERMINAL_CLOSE.goingAway, 'server shutting down');
    this.wss.close();
  }

  /** Why a terminal on `name` cannot open, or undefined when it can. */
  private refusal(name: string): string | undefined {
    if (!name) return 'choose an ssh connection';
    const target = this.deps.connections.find((c) => c.name === name);
    if (!target) return `there is no connection named ${name}`;
    if (target.type !== 'ssh') return `${name} is a ${target.type} connection; a terminal needs an ssh connection`;
    if (!this.deps.sshAddress) return NO_SSH;
    if (this.open.size >= MAX_TERMINALS) return 'too many terminals are open on this gateway; try again later';
    return undefined;
  }

  /** The gateway session this terminal became: same principal and connection, our local port as its client. */
  private findSession(who: Authenticated, connection: string, port: number): string | null {
    const principal = who.principal.sub;
    const live = this.deps.store.listSessions({ principal, connection, status: 'live', limit: 100 }).sessions;
    return live.find((s) => s.clientAddr.endsWith(`:${port}`))?.id ?? null;
  }

  private closed(who: Authenticated, connection: string, size: TerminalSize, end: TerminalEnd): void {
    this.audit(
      'terminal.close',
      who,
      connection,
      { reason: end.reason, exitCode: end.exit?.code ?? null, exitSignal: end.exit?.signal ?? null, ...size },
      end.sessionId ?? undefined,
    );
  }

  private audit(
    type: string,
    who: Authenticated,
    connection: string,
    data: Record<string, unknown>,
    sessionId?: string,
  ): void {
    try {
      this.deps.store.appendAudit({
        type,
        actor: who.principal.sub,
        connection,
        ...(sessionId ? { sessionId } : {}),
        data,
      });
    } catch (err) {
      this.deps.logger.error('could not audit a terminal event', { err, type });
    }
  }

  private beat(): void {
    const now = Date.now();
    for (const [bridge, auth] of [...this.open]) {
      // A Bearer terminal lives as long as its token; cookie terminals end with their sign-in (onEnd above).
      if (auth.via === 'bearer' && auth.principal.expiresAt * 1000 <= now)
        bridge.close(TERMINAL_CLOSE.signedOut, 'token expired');
      else bridge.heartbeat();
    }
  }
}

/** A listener bound to every address (0.0.0.0, ::) is reached on loopback. */
function dialAddress(address: { host: string; port: number }): { host: string; port: number } {
  if (address.host === '0.0.0.0') return { host: '127.0.0.1', port: address.port };
  if (address.host === '::' || (isIP(address.host) === 6 && /^[0:]+$/.test(address.host)))
    return { host: '::1', port: address.port };
  return address;
}

function refuse(socket: Duplex, err: HttpError): void {
  const body = JSON.stringify({ error: err.message, ...err.extra });
  socket.end(
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
