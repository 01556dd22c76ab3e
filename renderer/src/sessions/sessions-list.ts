import type { LiveMessage, Session } from '../api/api.types';
import { type SessionFilters, sessionMatches } from './session-filters';

/**
 * Applies a live socket message to the listed sessions (newest first): updates replace the listed session,
 * a started session that matches the filters goes on top. Returns the same array when nothing changed.
 */
export function applySessionEvent(sessions: Session[], message: LiveMessage, filters: SessionFilters): Session[] {
  if (message.type !== 'session.started' && message.type !== 'session.updated' && message.type !== 'session.ended') {
    return sessions;
  }
  const session = message.session;
  const at = sessions.findIndex((s) => s.id === session.id);
  if (at >= 0) {
    if (filters.status && session.status !== filters.status) return sessions.filter((s) => s.id !== session.id);
    const next = sessions.slice();
    next[at] = session;
    return next;
  }
  if (message.type === 'session.started' && sessionMatches(session, filters)) return [session, ...sessions];
  return sessions;
}
