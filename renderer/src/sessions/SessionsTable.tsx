import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { Session } from '../api/api.types';
import { StatusBadge } from '../components/StatusBadge';
import { elapsedMs, formatCount, formatDateTime, formatDuration } from '../lib/format';
import { sessionHref } from '../shell/routes';
import { useNow } from '../shell/use-now';

const ROW_HEIGHT = 30;
const COLUMNS = [
  'Status',
  'Principal',
  'Connection',
  'Protocol',
  'Started',
  'Duration',
  'Commands',
  'Denials',
  'Approvals',
  'Masked',
] as const;

interface SessionsTableProps {
  sessions: Session[];
  emptyText: string;
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
}

/** The sessions list: virtualized rows (100k sessions scroll like 100), more pages fetched near the end. */
export function SessionsTable({ sessions, emptyText, hasMore, loading, onLoadMore }: SessionsTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const anyLive = sessions.some((s) => s.status === 'live');
  const now = useNow(1000, anyLive);
  const virtualizer = useVirtualizer({
    count: sessions.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasMore && !loading && lastIndex >= sessions.length - 20) onLoadMore();
  }, [hasMore, loading, lastIndex, sessions.length, onLoadMore]);

  return (
    <div className="table-scroll" ref={scroller}>
      <table className="vtable sessions-table" aria-label="Sessions" aria-rowcount={sessions.length + 1}>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column} scope="col" className={`col-${column.toLowerCase()}`}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const session = sessions[item.index];
            if (!session) return null;
            return (
              <SessionRow key={session.id} session={session} now={now} top={item.start} rowIndex={item.index + 2} />
            );
          })}
        </tbody>
      </table>
      {sessions.length === 0 && !loading && <div className="empty">{emptyText}</div>}
      {loading && <div className="table-loading">Loading sessions…</div>}
    </div>
  );
}

function SessionRow({ session, now, top, rowIndex }: { session: Session; now: number; top: number; rowIndex: number }) {
  return (
    <tr
      className={`row-link${session.status === 'live' ? ' is-live' : ''}`}
      aria-rowindex={rowIndex}
      data-session-id={session.id}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
    >
      <td className="col-status">
        <StatusBadge status={session.status} />
      </td>
      <td className="col-principal">
        {/* The link stretches over the whole row (CSS), so the row is one click target and one tab stop. */}
        <a className="stretched" href={sessionHref(session.id)} title={session.groups.join(', ')}>
          {session.principal}
        </a>
      </td>
      <td className="col-connection">{session.connection}</td>
      <td className="col-protocol">
        <span className={`proto proto-${session.protocol}`}>{session.protocol}</span>
      </td>
      <td className="col-started">{formatDateTime(session.startedAt)}</td>
      <td className="col-duration num">{formatDuration(elapsedMs(session.startedAt, session.endedAt, now))}</td>
      <td className="col-commands num">{formatCount(session.commands)}</td>
      <td className={`col-denials num${session.denials ? ' warn' : ''}`}>{formatCount(session.denials)}</td>
      <td className="col-approvals num">{formatCount(session.approvals)}</td>
      <td className={`col-masked num${session.masked ? ' masked-count' : ''}`}>{formatCount(session.masked)}</td>
    </tr>
  );
}
