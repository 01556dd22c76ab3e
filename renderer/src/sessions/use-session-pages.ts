import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LiveMessage, Session } from '../api/api.types';
import { useApp } from '../shell/AppContext';
import { useOnLiveReconnect } from '../shell/use-on-live-reconnect';
import { type SessionFilters, sessionQuery } from './session-filters';
import { applySessionEvent, refreshFirstPage } from './sessions-list';

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

/**
 * Pages of sessions for the filters (cursor pagination), kept current by the live socket. Events that arrive while
 * the first page is on its way are applied again to it (the answer may predate them), and a reconnected socket
 * fetches the first page again (events were missed meanwhile), keeping the later pages already loaded.
 */
export function useSessionPages(filters: SessionFilters): SessionPages {
  const { api, live } = useApp();
  const [sessions, setSessions] = useState<Session[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const request = useRef<AbortController | null>(null);
  /** Events received since the first page was asked for; null when no first page is on its way. */
  const sinceAsked = useRef<LiveMessage[] | null>(null);
  /** Pages loaded for the current filters: a refreshed first page keeps the cursor of later ones. */
  const pages = useRef(0);
  // The route hands over a new filters object on every render: key everything on its value.
  const filtersKey = JSON.stringify(filters);
  const stable = useMemo(() => JSON.parse(filtersKey) as SessionFilters, [filtersKey]);

  const fetchPage = useCallback(
    (from: string | null) => {
      request.current?.abort();
      const controller = new AbortController();
      request.current = controller;
      setLoading(true);
      if (!from) sinceAsked.current = [];
      api
        .listSessions(sessionQuery(stable, from, PAGE), controller.signal)
        .then((page) => {
          setError(null);
          if (from) {
            setSessions((list) => appendPage(list, page.sessions));
          } else {
            const missed = sinceAsked.current ?? [];
            sinceAsked.current = null;
            const keepLater = pages.current > 1;
            setSessions((list) =>
              missed.reduce(
                (next, message) => applySessionEvent(next, message, stable),
                keepLater ? refreshFirstPage(list, page.sessions, page.nextCursor === null) : page.sessions,
              ),
            );
            if (keepLater) return;
          }
          pages.current += 1;
          setCursor(page.nextCursor);
          setHasMore(page.nextCursor !== null);
        })
        .catch((e: unknown) => {
          if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
        })
        .finally(() => {
          if (request.current === controller) {
            request.current = null;
            sinceAsked.current = null;
            setLoading(false);
          }
        });
    },
    [api, stable],
  );

  useEffect(() => {
    setSessions([]);
    pages.current = 0;
    fetchPage(null);
    return () => request.current?.abort();
  }, [fetchPage]);

  useEffect(
    () =>
      live.onMessage((message) => {
        sinceAsked.current?.push(message);
        setSessions((list) => applySessionEvent(list, message, stable));
      }),
    [live, stable],
  );

  useOnLiveReconnect(useCallback(() => fetchPage(null), [fetchPage]));

  const loadMore = useCallback(() => {
    if (!loading && hasMore && cursor) fetchPage(cursor);
  }, [loading, hasMore, cursor, fetchPage]);

  return { sessions, loading, error, hasMore, loadMore };
}
