import { normalizeFrames } from './annotations';
import type { Frame, LiveCommand, LiveMessage } from './api.types';

export type LiveStatus = 'connecting' | 'open' | 'closed';

/** The part of the browser WebSocket this module uses (so tests can pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface LiveSocketOptions {
  create?: (url: string) => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
}

const OPEN = 1;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

/** Reconnect delay for the nth consecutive failure: exponential, capped, with jitter in [d/2, d). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

const MESSAGE_TYPES = new Set([
  'session.started',
  'session.updated',
  'session.ended',
  'frames',
  'approval.requested',
  'approval.decided',
]);

/** Parses one server message; anything unknown or malformed is dropped (the server may add types). */
export function parseLiveMessage(data: unknown): LiveMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const message = JSON.parse(data) as { type?: unknown; frames?: unknown };
    if (typeof message.type !== 'string' || !MESSAGE_TYPES.has(message.type)) return null;
    if (message.type !== 'frames') return message as LiveMessage;
    const frames = Array.isArray(message.frames) ? normalizeFrames(message.frames as Frame[]) : [];
    return { ...message, frames } as LiveMessage;
  } catch {
    return null;
  }
}

export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`;
}

/**
 * WS /api/live with reconnect and backoff. Watches are reference-counted and re-sent after every reconnect,
 * so a view that watches a session keeps receiving its frames across network blips.
 */
export class LiveSocket {
  readonly #url: string;
  readonly #create: (url: string) => SocketLike;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (handle: unknown) => void;
  readonly #random: () => number;
  readonly #messageListeners = new Set<(message: LiveMessage) => void>();
  readonly #statusListeners = new Set<(status: LiveStatus) => void>();
  readonly #watches = new Map<string, number>();
  #socket: SocketLike | null = null;
  #timer: unknown = null;
  #attempt = 0;
  #stopped = true;
  #status: LiveStatus = 'closed';

  constructor(url: string, options: LiveSocketOptions = {}) {
    this.#url = url;
    this.#create = options.create ?? ((target) => new WebSocket(target) as unknown as SocketLike);
    this.#setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.#random = options.random ?? Math.random;
  }

  get status(): LiveStatus {
    return this.#status;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) this.#clearTimer(this.#timer);
    this.#timer = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
    this.#setStatus('closed');
  }

  onMessage(listener: (message: LiveMessage) => void): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Starts receiving `frames` for a session; returns the matching unwatch. */
  watch(sessionId: string): () => void {
    const count = this.#watches.get(sessionId) ?? 0;
    this.#watches.set(sessionId, count + 1);
    if (count === 0) this.#send({ type: 'watch', sessionId });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#watches.get(sessionId) ?? 1) - 1;
      if (left > 0) {
        this.#watches.set(sessionId, left);
        return;
      }
      this.#watches.delete(sessionId);
      this.#send({ type: 'unwatch', sessionId });
    };
  }

  #connect(): void {
    this.#timer = null;
    this.#setStatus('connecting');
    const socket = this.#create(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      for (const sessionId of this.#watches.keys()) this.#send({ type: 'watch', sessionId });
      this.#setStatus('open');
    };
    socket.onmessage = (event) => {
      const message = parseLiveMessage(event.data);
      if (message) for (const listener of this.#messageListeners) listener(message);
    };
    // An error is always followed by close; reconnecting happens there only.
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#setStatus('closed');
      if (this.#stopped) return;
      this.#timer = this.#setTimer(() => this.#connect(), backoffDelay(this.#attempt, this.#random));
      this.#attempt += 1;
    };
  }

  #send(command: LiveCommand): void {
    // While disconnected, the watch set is replayed on open, so nothing is lost by not queueing.
    if (this.#socket?.readyState === OPEN) this.#socket.send(JSON.stringify(command));
  }

  #setStatus(status: LiveStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of this.#statusListeners) listener(status);
  }
}
