import { useEffect, useState } from 'react';
import type { Connection } from '../api/api.types';
import { EMPTY_FILTERS, type SessionFilters } from './session-filters';

interface SessionFilterBarProps {
  filters: SessionFilters;
  connections: Connection[];
  liveOnly: boolean;
  onChange: (filters: SessionFilters) => void;
}

const TYPING_DELAY_MS = 300;

/** Filters of the sessions list; typed text reaches the URL (and the server) after a short pause. */
export function SessionFilterBar({ filters, connections, liveOnly, onChange }: SessionFilterBarProps) {
  const [q, setQ] = useState(filters.q);
  const [principal, setPrincipal] = useState(filters.principal);

  useEffect(() => setQ(filters.q), [filters.q]);
  useEffect(() => setPrincipal(filters.principal), [filters.principal]);

  useEffect(() => {
    if (q === filters.q && principal === filters.principal) return;
    const timer = setTimeout(() => onChange({ ...filters, q, principal }), TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q, principal, filters, onChange]);

  const set = (key: keyof SessionFilters) => (event: { target: { value: string } }) =>
    onChange({ ...filters, q, principal, [key]: event.target.value });
  const active = Object.entries(filters).some(([key, value]) => value && !(liveOnly && key === 'status'));

  return (
    <search className="toolbar filter-bar">
      <input
        type="search"
        className="search-input"
        placeholder="Search commands (full text)…"
        aria-label="Search commands"
        value={q}
        onChange={(event) => setQ(event.target.value)}
      />
      <input
        type="text"
        placeholder="Principal"
        aria-label="Principal"
        value={principal}
        onChange={(event) => setPrincipal(event.target.value)}
      />
      <select aria-label="Connection" value={filters.connection} onChange={set('connection')}>
        <option value="">All connections</option>
        {connections.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name} ({c.type})
          </option>
        ))}
      </select>
      {!liveOnly && (
        <select aria-label="Status" value={filters.status} onChange={set('status')}>
          <option value="">Any status</option>
          <option value="live">Live</option>
          <option value="ended">Ended</option>
          <option value="interrupted">Interrupted</option>
          <option value="failed">Failed</option>
        </select>
      )}
      <label className="inline-field">
        From
        <input type="datetime-local" aria-label="Started after" value={filters.since} onChange={set('since')} />
      </label>
      <label className="inline-field">
        To
        <input type="datetime-local" aria-label="Started before" value={filters.until} onChange={set('until')} />
      </label>
      {active && (
        <button
          type="button"
          className="button ghost"
          onClick={() => onChange({ ...EMPTY_FILTERS, status: liveOnly ? 'live' : '' })}
        >
          Clear filters
        </button>
      )}
    </search>
  );
}
