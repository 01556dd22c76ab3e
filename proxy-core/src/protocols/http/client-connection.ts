/**
 * One agent keep-alive connection (TCP socket) and its sessions. Session model: one recorded session per
 * (principal, Vigil connection) per client socket — the exchanges an agent sends over one socket to one API are
 * one session, as a psql connection is; it ends when the socket closes (the client's or Node's keep-alive timeout).
 */
import type { Socket } from 'node:net';
import type { Principal } from '../../identity/identity.types';
import type { Logger } from '../../logger';
import type { CommandGate } from '../../pipeline/command-gate.types';
import type { RecordedSession } from '../../pipeline/recorded-session.types';
import type { HttpConnection, HttpListenerOptions } from './http-listener.types';

export interface SessionEntry {
  session: RecordedSession;
  gate: CommandGate;
  connection: HttpConnection;
  /** Exchanges so far, numbering them in annotations. */
  exchanges: number;
  /** Set once recording failed or the session was terminated: nothing more is forwarded. */
  stopped: string | undefined;
  /** Exchanges still running, awaited (briefly) before the session is sealed. */
  inflight: Set<Promise<unknown>>;
}

/** How long a closing connection waits for its running exchanges before sealing their sessions. */
const DRAIN_MS = 1000;

export class ClientConnection {
  readonly clientAddr: string;
  private readonly sessions = new Map<string, SessionEntry>();
  private cachedToken: { token: string; principal: Principal } | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    readonly socket: Socket,
    private readonly deps: Pick<HttpListenerOptions, 'verifyToken' | 'openSession' | 'gateFor'>,
    private readonly log: Logger,
  ) {
    this.clientAddr = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    socket.once('close', () => void this.close('client closed the connection'));
  }

  /** Verifies the token, reusing the last verification on this socket while the token has not expired. */
  async principal(token: string): Promise<Principal> {
    const cached = this.cachedToken;
    if (cached && cached.token === token && cached.principal.expiresAt * 1000 > Date.now()) return cached.principal;
    const principal = await this.deps.verifyToken(token);
    this.cachedToken = { token, principal };
    return principal;
  }

  /** The session for this principal and connection, opened on first use; throws when it cannot be recorded. */
  sessionFor(principal: Principal, connection: HttpConnection, upstream: string): SessionEntry {
    const key = `${principal.sub}\u0000${principal.issuer}\u0000${connection.name}`;
    const existing = this.sessions.get(key);
    if (existing && !existing.stopped) return existing;
    if (this.closing) throw new Error('the client connection is closing');
    const session = this.deps.openSession({
      protocol: 'http',
      connection: connection.name,
      principal,
      clientAddr: this.clientAddr,
      upstream,
    });
    const entry: SessionEntry = {
      session,
      gate: this.deps.gateFor(session, connection),
      connection,
      exchanges: 0,
      stopped: undefined,
      inflight: new Set(),
    };
    this.sessions.set(key, entry);
    session.annotate({
      type: 'session.start',
      principal: principal.sub,
      groups: principal.groups,
      connection: connection.name,
      upstream,
      client: this.clientAddr,
    });
    session.onFailure((err) => {
      this.log.error('recording failed: closing the client connection', { err, session: session.id });
      this.stop(entry, 'recording failed');
    });
    session.onTerminate((by) => this.stop(entry, `terminated by ${by}`));
    return entry;
  }

  /** Runs `work` as an exchange of `entry`, so the session is sealed only after it (or after DRAIN_MS). */
  track<T>(entry: SessionEntry, work: Promise<T>): Promise<T> {
    entry.inflight.add(work);
    const done = () => entry.inflight.delete(work);
    work.then(done, done);
    return work;
  }

  /** Fail closed: stop forwarding at once by closing the socket; the session ends with `reason`. */
  private stop(entry: SessionEntry, reason: string): void {
    if (entry.stopped) return;
    entry.stopped = reason;
    this.socket.destroy();
    void this.endSession(entry, reason);
  }

  close(reason: string): Promise<void> {
    this.closing ??= Promise.all([...this.sessions.values()].map((e) => this.endSession(e, e.stopped ?? reason))).then(
      () => {},
    );
    return this.closing;
  }

  private async endSession(entry: SessionEntry, reason: string): Promise<void> {
    entry.gate.close();
    if (entry.inflight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, DRAIN_MS);
      });
      await Promise.race([Promise.allSettled([...entry.inflight]), timeout]);
      clearTimeout(timer);
    }
    await entry.session.end(reason, entry.stopped === 'recording failed' ? 'failed' : 'ended');
  }
}
