import type { SessionHub } from '../pipeline/session-events';
import type { Session } from '../store/store.types';

/** A session as the API shows it: without the server's file path, with step mode while it is live. */
export type SessionView = Omit<Session, 'recording'> & { stepMode?: boolean };

export function sessionView(session: Session, hub: SessionHub): SessionView {
  const { recording: _path, ...rest } = session;
  if (session.status !== 'live') return rest;
  // A session is announced (session.started) just before its handle is registered: step mode starts off.
  return { ...rest, stepMode: hub.liveSession(session.id)?.session.stepMode ?? false };
}
