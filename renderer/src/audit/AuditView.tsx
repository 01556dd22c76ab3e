import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEvent, AuditPage, KeyInfo } from '../api/api.types';
import { formatCount, formatDateTime, shortHash } from '../lib/format';
import { useApp } from '../shell/AppContext';
import { type AuditFilters, routeHref, sessionHref } from '../shell/routes';
import { navigate } from '../shell/use-route';
import { typeOptions } from './audit-types';
import './audit.css';

const ROW_HEIGHT = 28;
const LIMITS = ['200', '1000', '5000'];

const toIso = (local: string) =>
  local && !Number.isNaN(Date.parse(local)) ? new Date(local).toISOString() : undefined;

/** The audit log: filters, the hash chain's verification, and the key the gateway signs with. */
export function AuditView({ filters }: { filters: AuditFilters }) {
  const { api } = useApp();
  const [page, setPage] = useState<AuditPage | null>(null);
  const [keys, setKeys] = useState<KeyInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [type, setType] = useState(filters.type);
  const limit = filters.limit || LIMITS[0] || '200';
  const types = useMemo(() => typeOptions(page?.events ?? []), [page]);

  useEffect(() => setType(filters.type), [filters.type]);

  useEffect(() => {
    const controller = new AbortController();
    setPage(null);
    api
      .audit({ type: filters.type || undefined, since: toIso(filters.since), limit: Number(limit) }, controller.signal)
      .then((p) => {
        setPage(p);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [api, filters.type, filters.since, limit]);

  useEffect(() => {
    const controller = new AbortController();
    api
      .keys(controller.signal)
      .then(setKeys)
      .catch(() => {
        // The fingerprint is informative; the log itself still shows.
      });
    return () => controller.abort();
  }, [api]);

  const update = (next: Partial<AuditFilters>) =>
    navigate(routeHref({ view: 'audit', filters: { ...filters, ...next } }));

  return (
    <section className="view audit-view" aria-labelledby="audit-title">
      <header className="view-header">
        <h1 id="audit-title">Audit log</h1>
        <span className="spacer" />
        {keys && (
          <details className="key-info">
            <summary>
              Signing key <code className="mono">{keys.fingerprint}</code>
            </summary>
            <pre className="mono">{keys.publicKeyPem}</pre>
          </details>
        )}
      </header>
      <form
        className="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          update({ type });
        }}
      >
        <input
          list="audit-types"
          aria-label="Event type"
          placeholder="Event type (all)"
          value={type}
          onChange={(event) => setType(event.target.value)}
          onBlur={() => type !== filters.type && update({ type })}
        />
        <datalist id="audit-types">
          {types.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <label className="inline-field">
          Since
          <input
            type="datetime-local"
            aria-label="Since"
            value={filters.since}
            onChange={(event) => update({ since: event.target.value })}
          />
        </label>
        <select aria-label="Limit" value={limit} onChange={(event) => update({ limit: event.target.value })}>
          {LIMITS.map((l) => (
            <option key={l} value={l}>
              last {formatCount(Number(l))}
            </option>
          ))}
        </select>
      </form>
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      {page && <ChainBanner chain={page.chain} />}
      {page ? <AuditTable events={page.events} /> : !error && <div className="view-loading">Loading…</div>}
    </section>
  );
}

function ChainBanner({ chain }: { chain: AuditPage['chain'] }) {
  if (chain.ok) {
    return (
      <div className="banner ok" role="status" data-chain="ok">
        ✓ Hash chain verified: {formatCount(chain.checked)} events checked, none altered or missing.
      </div>
    );
  }
  return (
    <div className="banner error" role="alert" data-chain="broken">
      ✗ Hash chain broken after {formatCount(chain.checked)} events: {chain.problem ?? 'unknown problem'}
    </div>
  );
}

function AuditTable({ events }: { events: AuditEvent[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const columns = ['Seq', 'Time', 'Type', 'Actor', 'Session', 'Connection', 'Data', 'Hash'];
  return (
    <div className="table-scroll" ref={scroller}>
      <table className="vtable audit-table" aria-label="Audit events" aria-rowcount={events.length + 1}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" className={`col-${c.toLowerCase()}`}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const e = events[item.index];
            if (!e) return null;
            const data = JSON.stringify(e.data);
            return (
              <tr
                key={e.seq}
                aria-rowindex={item.index + 2}
                data-audit-seq={e.seq}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <td className="col-seq num">{e.seq}</td>
                <td className="col-time">{formatDateTime(e.time)}</td>
                <td className="col-type">
                  <span className="event-type">{e.type}</span>
                </td>
                <td className="col-actor">{e.actor}</td>
                <td className="col-session">
                  {e.sessionId ? <a href={sessionHref(e.sessionId)}>{shortHash(e.sessionId, 10)}</a> : '—'}
                </td>
                <td className="col-connection">{e.connection ?? '—'}</td>
                <td className="col-data mono" title={data}>
                  {data}
                </td>
                <td className="col-hash mono" title={`hash ${e.hash}\nprev ${e.prevHash}`}>
                  {shortHash(e.hash)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {events.length === 0 && <div className="empty">No audit events match.</div>}
    </div>
  );
}
