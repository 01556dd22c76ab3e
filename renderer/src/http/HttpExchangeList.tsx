import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { toDecision } from '../api/annotations';
import { formatBytes, formatCount, formatTimecode } from '../lib/format';
import type { FrameStore } from '../replay/frame-store';
import { HttpExchangeDetail } from './HttpExchangeDetail';
import { buildExchanges, exchangeAt, type HttpExchange, pathOf } from './http-exchanges';
import './http.css';

/** Frames before the cursor that the list is built from (the replayer's cache holds 20 000). */
export const HTTP_WINDOW = 2000;

interface HttpExchangeListProps {
  store: FrameStore;
  version: number;
  cursor: number;
  /** Pins the frame inspector to a frame (the request's or the response's bytes). */
  onInspect: (frame: number) => void;
  /** Rendered under the list (approval cards of a live session). */
  footer?: ReactNode;
}

/**
 * An HTTP API session as of the cursor: its exchanges (method, URL, status, sizes, duration, decision), and the
 * selected one's request and response with headers and bodies, masked values marked as such.
 */
export function HttpExchangeList({ store, version, cursor, onInspect, footer }: HttpExchangeListProps) {
  const from = Math.max(0, cursor - HTTP_WINDOW);
  const complete = store.cache.missingPages(from, cursor, store.total).length === 0;
  useEffect(() => {
    void version; // asks again for pages that were evicted meanwhile
    store.ensure(from, cursor);
  }, [store, from, cursor, version]);
  const exchanges = useMemo(() => {
    void version; // frames arrived: rebuild from the cache
    return buildExchanges(store.cache.range(from, cursor));
  }, [store, from, cursor, version]);
  const [picked, setPicked] = useState<number | null>(null);
  // Moving the cursor follows the exchange at the cursor again.
  useEffect(() => {
    void cursor;
    setPicked(null);
  }, [cursor]);
  const current = exchangeAt(exchanges, cursor);
  const selected = exchanges.find((x) => x.id === picked) ?? current;

  return (
    <div className="http-session">
      <div className="http-list">
        {from > 0 && (
          <div className="muted http-earlier">
            Exchanges from frame #{formatCount(from)}; step back or use the outline for earlier ones.
          </div>
        )}
        <table className="plain-table http-exchanges" aria-label="HTTP exchanges">
          <thead>
            <tr>
              <th>Time</th>
              <th>Method</th>
              <th>URL</th>
              <th>Status</th>
              <th>Request</th>
              <th>Response</th>
              <th>Duration</th>
              <th>Decision</th>
            </tr>
          </thead>
          <tbody>
            {exchanges.map((x) => (
              <ExchangeRow
                key={x.id}
                exchange={x}
                selected={x === selected}
                current={x === current}
                onSelect={() => setPicked(x.id)}
              />
            ))}
          </tbody>
        </table>
        {!complete && <div className="muted loading-line">Loading frames…</div>}
        {complete && exchanges.length === 0 && (
          <div className="empty">No exchange yet at frame #{formatCount(Math.max(0, cursor))}.</div>
        )}
        {footer}
      </div>
      {selected && <HttpExchangeDetail exchange={selected} onInspect={onInspect} />}
    </div>
  );
}

function ExchangeRow({
  exchange: x,
  selected,
  current,
  onSelect,
}: {
  exchange: HttpExchange;
  selected: boolean;
  current: boolean;
  onSelect: () => void;
}) {
  const classes = ['http-row', selected ? 'selected' : '', current ? 'current' : ''].filter(Boolean).join(' ');
  return (
    <tr className={classes} data-frame={x.id} aria-selected={selected}>
      <td className="mono muted">{formatTimecode(x.tUs)}</td>
      <td className="mono http-method">{x.method}</td>
      <td className="http-url">
        <button type="button" className="link-button mono" title={x.url} onClick={onSelect}>
          {pathOf(x.url)}
        </button>
      </td>
      <td className="mono">
        <StatusCode status={x.status} error={x.error} done={x.done} />
      </td>
      <td className="mono muted">{x.requestBytes === null ? '…' : formatBytes(x.requestBytes)}</td>
      <td className="mono muted">{x.responseBytes === null ? '…' : formatBytes(x.responseBytes)}</td>
      <td className="mono muted">{x.durationMs === null ? '…' : `${formatCount(x.durationMs)} ms`}</td>
      <td>
        <ExchangeDecision decision={x.decision} rule={x.rule} />
        {x.masked > 0 && <span className="masked-count"> {formatCount(x.masked)} masked</span>}
      </td>
    </tr>
  );
}

export function StatusCode({ status, error, done }: { status: number | null; error: string | null; done: boolean }) {
  if (status === null) {
    return error ? (
      <span className="http-status error" title={error}>
        broken off
      </span>
    ) : (
      <span className="muted">{done ? '—' : 'pending'}</span>
    );
  }
  const tone = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'ok';
  return <span className={`http-status ${tone}`}>{status}</span>;
}

/** Policy's decision, or the approval's outcome, in the badge colours of decisions. */
export function ExchangeDecision({ decision, rule }: { decision: string | null; rule: string | null }) {
  if (!decision) return <span className="muted">—</span>;
  const text = decision === 'allow' ? 'allowed' : decision === 'deny' ? 'denied' : decision;
  return (
    <span
      className={`badge decision-${toDecision(decision === 'approved' ? 'allow' : decision)}`}
      data-decision={decision}
    >
      {text}
      {rule && <span className="badge-rule">{rule}</span>}
    </span>
  );
}
