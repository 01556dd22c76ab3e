import { WebSocket } from 'ws';
import type { Logger } from '../logger';
import type { Authenticated } from './authenticate';
import type { FrameView } from './frame-view';

/** Frames of watched sessions are sent in batches at most this often. */
export const FRAME_BATCH_MS = 50;
/** A socket whose unsent bytes exceed this is dropped rather than buffered without limit. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Frames waiting for the next batch, across the sessions a socket watches. */
const MAX_PENDING_FRAMES = 20_000;
const MAX_WATCHES = 64;
/** Close code for a consumer that cannot keep up (RFC 6455 §7.4.1: 1013 Try Again Later). */
const TOO_SLOW = 1013;

export interface LiveClientDeps {
  logger: Logger;
  /** Starts frames of a session for this client; undefined when the session is unknown. Returns the unwatch. */
  watch(client: LiveClient, sessionId: string): (() => void) | undefined;
  /** The socket is gone. */
  closed(client: LiveClient): void;
}

/** One IDE connected to `WS /api/live`: its watches, its pending frame batch, and backpressure. */
export class LiveClient {
  private readonly watches = new Map<string, () => void>();
  private pending = new Map<string, FrameView[]>();
  private pendingCount = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private alive = true;
  private closed = false;

  constructor(
    readonly ws: WebSocket,
    readonly auth: Authenticated,
    private readonly deps: LiveClientDeps,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : data.toString()));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.dispose());
    // Socket errors (ECONNRESET from a closed tab) end the socket; 'close' follows and cleans up.
    ws.on('error', () => {});
  }

  /** Sends one message now, unless the client is too far behind (then it is dropped). */
  send(message: unknown): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.drop('client is not reading its live events');
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  queueFrame(sessionId: string, frame: FrameView): void {
    if (this.closed || !this.watches.has(sessionId)) return;
    if (this.pendingCount >= MAX_PENDING_FRAMES) {
      this.drop('client is not reading its live frames');
      return;
    }
    let list = this.pending.get(sessionId);
    if (!list) {
      list = [];
      this.pending.set(sessionId, list);
    }
    list.push(frame);
    this.pendingCount++;
    this.flushTimer ??= setTimeout(() => this.flush(), FRAME_BATCH_MS);
  }

  /** Heartbeat: a client that did not answer the last ping is gone. */
  heartbeat(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
    this.dispose();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const batches = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    for (const [sessionId, frames] of batches) this.send({ type: 'frames', sessionId, frames });
  }

  private onMessage(text: string): void {
    let message: { type?: unknown; sessionId?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return; // not ours to answer: the protocol has no error message, and the IDE never sends junk
    }
    const { type, sessionId } = message ?? {};
    if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 200) return;
    if (type === 'watch' && !this.watches.has(sessionId) && this.watches.size < MAX_WATCHES) {
      const unwatch = this.deps.watch(this, sessionId);
      if (unwatch) this.watches.set(sessionId, unwatch);
    } else if (type === 'unwatch') {
      this.watches.get(sessionId)?.();
      this.watches.delete(sessionId);
      this.pendingCount -= this.pending.get(sessionId)?.length ?? 0;
      this.pending.delete(sessionId);
    }
  }

  private drop(reason: string): void {
    this.deps.logger.warn('dropping a slow live client', { reason, principal: this.auth.principal.sub });
    this.ws.close(TOO_SLOW, 'too slow');
    // A client that reads nothing would never finish the closing handshake either.
    setTimeout(() => this.ws.terminate(), 1000).unref();
    this.dispose();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.flushTimer);
    for (const unwatch of this.watches.values()) unwatch();
    this.watches.clear();
    this.pending.clear();
    this.pendingCount = 0;
    this.deps.closed(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
