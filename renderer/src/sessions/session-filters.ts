import type { Session } from '../api/api.types';
import type { SessionQuery } from '../api/api-client';

/** The Sessions view's filters, as they live in the URL ('' = not set). since/until are datetime-local values. */
export interface SessionFilters {
  principal: string;
  connection: string;
  status: string;
  q: string;
  since: string;
  until: string;
}

export const FILTER_KEYS = ['principal', 'connection', 'status', 'q', 'since', 'until'] as const;

export const EMPTY_FILTERS: SessionFilters = { principal: '', connection: '', status: '', q: '', since: '', until: '' };

export function filtersFromParams(params: URLSearchParams): SessionFilters {
  const filters = { ...EMPTY_FILTERS };
  for (const key of FILTER_KEYS) filters[key] = params.get(key) ?? '';
  return filters;
}

export function filtersToParams(filters: SessionFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  return params;
}

const toIso = (local: string) => {
  const time = new Date(local).getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
};

/** The API query for a page of sessions. */
export function sessionQuery(filters: SessionFilters, cursor: string | null, limit: number): SessionQuery {
  const query: SessionQuery = { limit };
  if (filters.principal) query.principal = filters.principal;
  if (filters.connection) query.connection = filters.connection;
  if (filters.status) query.status = filters.status;
  if (filters.q) query.q = filters.q;
  const since = filters.since ? toIso(filters.since) : undefined;
  const until = filters.until ? toIso(filters.until) : undefined;
  if (since) query.since = since;
  if (until) query.until = until;
  if (cursor) query.cursor = cursor;
  return query;
}

/**
 * Whether a session pushed over the live socket belongs in the current list. Full-text search runs on the
 * server, so with `q` set only sessions already listed are updated, none are added.
 */
export function sessionMatches(session: Session, filters: SessionFilters): boolean {
  if (filters.q) return false;
  if (filters.principal && session.principal !== filters.principal) return false;
  if (filters.connection && session.connection !== filters.connection) return false;
  if (filters.status && session.status !== filters.status) return false;
  const started = Date.parse(session.startedAt);
  if (filters.since && started < new Date(filters.since).getTime()) return false;
  if (filters.until && started > new Date(filters.until).getTime()) return false;
  return true;
}
