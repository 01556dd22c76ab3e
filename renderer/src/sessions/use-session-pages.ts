import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Session } from '../api/api.types';
import { useApp } from '../shell/AppContext';
import { type SessionFilters, sessionQuery } from './session-filters';
import { applySessionEvent } from './sessions-list';

const PAGE = 100;

export interface SessionPages {
  sessions: Session[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  loadMore: () => void;
}

/** The next page, minus sessions already listed (a live session may have been added on top meanwhile). */
function appendPage(list: Session[], page: Session[]): Session[] {
  const listed = new Set(list.map((s) => s.id));
  return [...list, ...page.filter((s) => !listed.has(s.id))];
}

/** Pages of sessions for the filters (cursor pagination), kept current by the live socket. */
export function useSessionPages(filters: SessionFilters): SessionPages {
  const { api, live } = useApp();
  const [sessions, setSessions] = useState<Session[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const request = useRef<AbortController | null>(null);
  // The route hands over a new filters object on every render: key everything on its value.
  const filtersKey = JSON.stringify(filters);
  const stable = useMemo(() => JSON.parse(filtersKey) as SessionFilters, [filtersKey]);

  const fetchPage = useCallback(
    (from: string | null) => {
      request.current?.abort();
      const controller = new AbortController();
      request.current = controller;
      setLoading(true);
      api
        .listSessions(sessionQuery(stable, from, PAGE), controller.signal)
        .then((page) => {
          setSessions((list) => (from ? appendPage(list, page.sessions) : page.sessions));
          setCursor(page.nextCursor);
          setHasMore(page.nextCursor !== null);
          setError(null);
        })
        .catch((e: unknown) => {
          if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
        })
        .finally(() => {
          if (request.current === controller) {
            request.current = null;
            setLoading(false);
          }
        });
    },
    [api, stable],
  );

  useEffect(() => {
    setSessions([]);
    fetchPage(null);
    return () => request.current?.abort();
  }, [fetchPage]);

  useEffect(
    () => live.onMessage((message) => setSessions((list) => applySessionEvent(list, message, stable))),
    [live, stable],
  );

  const loadMore = useCallback(() => {
    if (!loading && hasMore && cursor) fetchPage(cursor);
  }, [loading, hasMore, cursor, fetchPage]);

  return { sessions, loading, error, hasMore, loadMore };
}
