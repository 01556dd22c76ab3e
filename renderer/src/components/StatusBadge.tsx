import type { SessionStatus } from '../api/api.types';

export function StatusBadge({ status }: { status: SessionStatus }) {
  if (status === 'live') {
    return (
      <span className="badge live" title="Live session">
        <span className="pulse" aria-hidden="true" />
        LIVE
      </span>
    );
  }
  return <span className={`badge status-${status}`}>{status}</span>;
}
