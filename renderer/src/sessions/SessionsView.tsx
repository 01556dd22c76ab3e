import { useCallback } from 'react';
import { routeHref } from '../shell/routes';
import { useConnections } from '../shell/use-connections';
import { navigate } from '../shell/use-route';
import { SessionFilterBar } from './SessionFilterBar';
import { SessionsTable } from './SessionsTable';
import type { SessionFilters } from './session-filters';
import { useSessionPages } from './use-session-pages';

/** Sessions (and, with liveOnly, the live ones): filters in the URL, pages from the server, live updates. */
export function SessionsView({ filters, liveOnly }: { filters: SessionFilters; liveOnly: boolean }) {
  const pages = useSessionPages(filters);
  const connections = useConnections();
  const onChange = useCallback(
    (next: SessionFilters) => navigate(routeHref({ view: liveOnly ? 'live' : 'sessions', filters: next })),
    [liveOnly],
  );

  return (
    <section className="view sessions-view" aria-labelledby="sessions-title">
      <header className="view-header">
        <h1 id="sessions-title">{liveOnly ? 'Live sessions' : 'Sessions'}</h1>
        <span className="muted">
          {pages.sessions.length.toLocaleString('en-US')}
          {pages.hasMore ? '+' : ''} {pages.sessions.length === 1 ? 'session' : 'sessions'}
        </span>
      </header>
      <SessionFilterBar filters={filters} connections={connections} liveOnly={liveOnly} onChange={onChange} />
      {pages.error && (
        <div className="banner error" role="alert">
          {pages.error}
        </div>
      )}
      <SessionsTable
        sessions={pages.sessions}
        emptyText={
          liveOnly
            ? 'No live sessions right now. They appear here the moment an agent connects.'
            : 'No sessions match these filters.'
        }
        hasMore={pages.hasMore}
        loading={pages.loading}
        onLoadMore={pages.loadMore}
      />
    </section>
  );
}
