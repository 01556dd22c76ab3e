import type { Session } from '../store/store.types';
import type { RecordedSession } from './recorded-session.types';

/** A frame as live watchers receive it (bytes as recorded, i.e. after masking). */
export type LiveFrame =
  | { n: number; tUs: number; kind: 'bytes'; direction: 'client' | 'server'; channel: number; data: Uint8Array }
  | { n: number; tUs: number; kind: 'annotation'; value: unknown }
  | { n: number; tUs: number; kind: 'resize'; cols: number; rows: number };

export type SessionEvent =
  | { type: 'session.started' | 'session.updated' | 'session.ended'; session: Session }
  | { type: 'frame'; sessionId: string; frame: LiveFrame };

export interface LiveSessionHandle {
  session: RecordedSession;
  terminate(by: string): void;
}

/** What the pipeline tells the rest of the gateway (control API, desktop notifications) about sessions. */
export interface SessionEvents {
  started(session: Session): void;
  updated(session: Session): void;
  ended(session: Session): void;
  frame(sessionId: string, frame: LiveFrame): void;
  /** Cheap check on the hot path: only build live frames for sessions somebody watches. */
  isWatched(sessionId: string): boolean;
  register(sessionId: string, handle: LiveSessionHandle): void;
}

/**
 * In-process fan-out of session events, and the registry of live sessions (to terminate one or set
 * step mode from the control API). Listeners that throw are isolated from the session.
 */
export class SessionHub implements SessionEvents {
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private readonly watchers = new Map<string, number>();
  private readonly live = new Map<string, LiveSessionHandle>();

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watch(sessionId: string): () => void {
    this.watchers.set(sessionId, (this.watchers.get(sessionId) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.watchers.get(sessionId) ?? 1) - 1;
      if (n <= 0) this.watchers.delete(sessionId);
      else this.watchers.set(sessionId, n);
    };
  }

  isWatched(sessionId: string): boolean {
    return this.watchers.has(sessionId);
  }

  register(sessionId: string, handle: LiveSessionHandle): void {
    this.live.set(sessionId, handle);
  }

  liveSession(sessionId: string): LiveSessionHandle | undefined {
    return this.live.get(sessionId);
  }

  get liveCount(): number {
    return this.live.size;
  }

  started(session: Session): void {
    this.emit({ type: 'session.started', session });
  }

  updated(session: Session): void {
    this.emit({ type: 'session.updated', session });
  }

  ended(session: Session): void {
    this.live.delete(session.id);
    this.emit({ type: 'session.ended', session });
  }

  frame(sessionId: string, frame: LiveFrame): void {
    this.emit({ type: 'frame', sessionId, frame });
  }

  private emit(event: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken listener (e.g. a closed WebSocket) must never end or slow a session.
      }
    }
  }
}
