import type { LiveMessage, Session } from '../api/api.types';
import { laterOf, type Progression } from '../lib/later-view';
import { type SessionFilters, sessionMatches } from './session-filters';

const SESSION_PROGRESSION: Progression<Session> = { status: (s) => s.status, open: 'live', progress: (s) => s.frames };

/**
 * The later of two views of one session, whichever arrived last: a view that is no longer live is later than a
 * live one, and of two live views the one with more frames is (frames only grow). On a tie the incoming view wins,
 * so an update that changes nothing countable (step mode) still applies. A list answer that left the server
 * before the session ended thus never undoes the `session.ended` that overtook it.
 */
export function laterView(current: Session, incoming: Session): Session {
  return laterOf(current, incoming, SESSION_PROGRESSION);
}

/**
 * Applies a live socket message to the listed sessions (newest first): updates replace the listed session unless
 * it is already later (see laterView), a started session that matches the filters goes on top. Returns the same
 * array when nothing changed.
 */
export function applySessionEvent(sessions: Session[], message: LiveMessage, filters: SessionFilters): Session[] {
  if (message.type !== 'session.started' && message.type !== 'session.updated' && message.type !== 'session.ended') {
    return sessions;
  }
  const at = sessions.findIndex((s) => s.id === message.session.id);
  if (at >= 0) {
    const session = laterView(sessions[at] as Session, message.session);
    if (session === sessions[at]) return sessions;
    if (filters.status && session.status !== filters.status) return sessions.filter((s) => s.id !== session.id);
    const next = sessions.slice();
    next[at] = session;
    return next;
  }
  if (message.type === 'session.started' && sessionMatches(message.session, filters)) {
    return [message.session, ...sessions];
  }
  return sessions;
}

/**
 * The list after its first page was fetched again (a reconnected live socket may have missed events): the fresh
 * page, then the sessions of the pages loaded before that are older than all of it (the later pages stay). With
 * `complete` (the page is the whole result) nothing else is kept.
 */
export function refreshFirstPage(listed: Session[], page: Session[], complete: boolean): Session[] {
  const oldest = page.at(-1);
  if (complete || !oldest) return page;
  const inPage = new Set(page.map((s) => s.id));
  return [...page, ...listed.filter((s) => !inPage.has(s.id) && s.startedAt < oldest.startedAt)];
}
