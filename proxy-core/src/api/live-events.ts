import type { WebSocket } from 'ws';
import type { ApprovalBroker } from '../approvals/approval-broker';
import type { Logger } from '../logger';
import type { SessionEvent, SessionHub } from '../pipeline/session-events';
import type { Protocol, Session, Store } from '../store/store.types';
import { approvalView } from './approval-routes';
import type { AuthSessionTable } from './auth-sessions';
import { type Authenticated, DECIDE_ROLES } from './authenticate';
import { frameView } from './frame-view';
import { LiveClient } from './live-client';
import { sessionView } from './session-view';

/** At most 4 `session.updated` per session per second; the last one always goes out. */
const UPDATE_INTERVAL_MS = 250;
const HEARTBEAT_MS = 30_000;
/** Close codes in the private range (RFC 6455 §7.4.2), mirroring HTTP 401. */
const SIGNED_OUT = 4401;

interface Watched {
  protocol: Protocol;
  clients: Set<LiveClient>;
}

interface Throttle {
  last: number;
  timer: NodeJS.Timeout | undefined;
  row: Session | undefined;
}

/**
 * Fans the gateway's session and approval events out to the IDEs connected on `WS /api/live`: session
 * lifecycle to every signed-in human, frames only to sockets watching that session (converted once, batched
 * per socket), approvals only to approvers and admins.
 */
export class LiveEvents {
  private readonly clients = new Set<LiveClient>();
  private readonly watched = new Map<string, Watched>();
  private readonly throttles = new Map<string, Throttle>();
  private readonly stops: Array<() => void> = [];
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      hub: SessionHub;
      approvals: ApprovalBroker;
      store: Store;
      sessions: AuthSessionTable;
      logger: Logger;
    },
  ) {
    this.stops.push(
      deps.hub.subscribe((e) => this.onSessionEvent(e)),
      deps.approvals.subscribe((e) => {
        const message = { type: e.type, approval: approvalView(e.approval) };
        for (const c of this.clients) if (c.auth.principal.roles.some((r) => DECIDE_ROLES.includes(r))) c.send(message);
      }),
      deps.sessions.onEnd((s) => {
        for (const c of this.clients) if (c.auth.session?.id === s.id) c.close(SIGNED_OUT, 'signed out');
      }),
    );
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  add(ws: WebSocket, auth: Authenticated): LiveClient {
    const client = new LiveClient(ws, auth, {
      logger: this.deps.logger,
      watch: (c, id) => this.watch(c, id),
      closed: (c) => this.clients.delete(c),
    });
    this.clients.add(client);
    return client;
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const stop of this.stops) stop();
    for (const t of this.throttles.values()) clearTimeout(t.timer);
    this.throttles.clear();
    for (const c of [...this.clients]) c.close(1001, 'server shutting down');
  }

  private watch(client: LiveClient, sessionId: string): (() => void) | undefined {
    const session = this.deps.store.getSession(sessionId);
    if (!session) return undefined;
    const unwatch = this.deps.hub.watch(sessionId);
    let entry = this.watched.get(sessionId);
    if (!entry) {
      entry = { protocol: session.protocol, clients: new Set() };
      this.watched.set(sessionId, entry);
    }
    entry.clients.add(client);
    const watched = entry;
    return () => {
      unwatch();
      watched.clients.delete(client);
      if (watched.clients.size === 0 && this.watched.get(sessionId) === watched) this.watched.delete(sessionId);
    };
  }

  private onSessionEvent(e: SessionEvent): void {
    switch (e.type) {
      case 'frame': {
        const entry = this.watched.get(e.sessionId);
        if (!entry) return;
        const view = frameView(e.frame, entry.protocol);
        for (const c of entry.clients) c.queueFrame(e.sessionId, view);
        return;
      }
      case 'session.updated':
        this.throttledUpdate(e.session);
        return;
      case 'session.ended': {
        const t = this.throttles.get(e.session.id);
        clearTimeout(t?.timer);
        this.throttles.delete(e.session.id);
        this.broadcast(e.type, e.session);
        return;
      }
      case 'session.started':
        this.broadcast(e.type, e.session);
        return;
    }
  }

  private throttledUpdate(row: Session): void {
    const now = Date.now();
    const t = this.throttles.get(row.id) ?? { last: 0, timer: undefined, row: undefined };
    this.throttles.set(row.id, t);
    if (now - t.last >= UPDATE_INTERVAL_MS && !t.timer) {
      t.last = now;
      this.broadcast('session.updated', row);
      return;
    }
    t.row = row;
    t.timer ??= setTimeout(
      () => {
        t.timer = undefined;
        t.last = Date.now();
        if (t.row) this.broadcast('session.updated', t.row);
        t.row = undefined;
      },
      Math.max(0, t.last + UPDATE_INTERVAL_MS - now),
    );
  }

  private broadcast(type: 'session.started' | 'session.updated' | 'session.ended', row: Session): void {
    if (this.clients.size === 0) return;
    const message = { type, session: sessionView(row, this.deps.hub) };
    for (const c of this.clients) c.send(message);
  }

  private beat(): void {
    const now = Date.now();
    for (const c of [...this.clients]) {
      // A Bearer socket lives as long as its token; cookie sockets end with their session (onEnd above).
      if (c.auth.via === 'bearer' && c.auth.principal.expiresAt * 1000 <= now) c.close(SIGNED_OUT, 'token expired');
      else c.heartbeat();
    }
  }
}
