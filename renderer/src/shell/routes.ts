import { EMPTY_FILTERS, filtersFromParams, filtersToParams, type SessionFilters } from '../sessions/session-filters';

// Hash routes: they work the same behind the gateway, from the Vite dev server and from the desktop app,
// and every view (and every frame of a replay) has a link.

export type ApprovalsTab = 'pending' | 'history';

export interface AuditFilters {
  type: string;
  since: string;
  limit: string;
}

export type Route =
  | { view: 'sessions'; filters: SessionFilters }
  | { view: 'live'; filters: SessionFilters }
  | { view: 'session'; id: string; frame: number | null }
  | { view: 'approvals'; tab: ApprovalsTab }
  | { view: 'workbench'; connection: string }
  | { view: 'audit'; filters: AuditFilters }
  /** An evidence packet opened in the browser: verification and manifest (no server needed). */
  | { view: 'packet' }
  /** A session of that packet, replayed from its recording. */
  | { view: 'packet-session'; id: string; frame: number | null };

export type View = Route['view'];

/** Views that work without the gateway (and without signing in). */
export const isOfflineRoute = (route: Route): boolean => route.view === 'packet' || route.view === 'packet-session';

const frameParam = (params: URLSearchParams): number | null => {
  const frame = Number.parseInt(params.get('frame') ?? '', 10);
  return Number.isFinite(frame) && frame >= 0 ? frame : null;
};

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id, sessionId] = parts;
  switch (head) {
    case 'live':
      return { view: 'live', filters: { ...filtersFromParams(params), status: 'live' } };
    case 'sessions': {
      if (!id) return { view: 'sessions', filters: filtersFromParams(params) };
      return { view: 'session', id, frame: frameParam(params) };
    }
    case 'packet':
      // #/packet/sessions/:id
      if (id === 'sessions' && sessionId) return { view: 'packet-session', id: sessionId, frame: frameParam(params) };
      return { view: 'packet' };
    case 'approvals':
      return { view: 'approvals', tab: params.get('tab') === 'history' ? 'history' : 'pending' };
    case 'workbench':
      return { view: 'workbench', connection: params.get('connection') ?? '' };
    case 'audit':
      return {
        view: 'audit',
        filters: { type: params.get('type') ?? '', since: params.get('since') ?? '', limit: params.get('limit') ?? '' },
      };
    default:
      return { view: 'sessions', filters: { ...EMPTY_FILTERS } };
  }
}

const withParams = (path: string, params: URLSearchParams) => {
  const search = params.toString();
  return search ? `#${path}?${search}` : `#${path}`;
};

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'sessions':
      return withParams('/sessions', filtersToParams(route.filters));
    case 'live': {
      const params = filtersToParams(route.filters);
      params.delete('status');
      return withParams('/live', params);
    }
    case 'session': {
      const params = new URLSearchParams();
      if (route.frame !== null) params.set('frame', String(route.frame));
      return withParams(`/sessions/${encodeURIComponent(route.id)}`, params);
    }
    case 'approvals':
      return route.tab === 'history' ? '#/approvals?tab=history' : '#/approvals';
    case 'workbench':
      return withParams('/workbench', new URLSearchParams(route.connection ? { connection: route.connection } : {}));
    case 'audit': {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(route.filters)) if (value) params.set(key, value);
      return withParams('/audit', params);
    }
    case 'packet':
      return '#/packet';
    case 'packet-session': {
      const params = new URLSearchParams();
      if (route.frame !== null) params.set('frame', String(route.frame));
      return withParams(`/packet/sessions/${encodeURIComponent(route.id)}`, params);
    }
  }
}

export const sessionHref = (id: string, frame: number | null = null) => routeHref({ view: 'session', id, frame });
export const packetSessionHref = (id: string, frame: number | null = null) =>
  routeHref({ view: 'packet-session', id, frame });
