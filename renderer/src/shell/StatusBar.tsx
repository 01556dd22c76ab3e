import type { Me } from '../api/api.types';
import type { LiveStatus } from '../api/live-socket';

const LIVE_TEXT: Record<LiveStatus, string> = {
  open: 'Live updates',
  connecting: 'Connecting…',
  closed: 'Reconnecting…',
};

export function StatusBar({ me, liveStatus, pendingCount }: { me: Me; liveStatus: LiveStatus; pendingCount: number }) {
  const name = me.principal.name ?? me.principal.sub;
  return (
    <footer className="status-bar">
      <span className={`status-item live-${liveStatus}`} role="status" aria-live="polite">
        <span className="dot" aria-hidden="true" />
        {LIVE_TEXT[liveStatus]}
      </span>
      <a className="status-item" href="#/approvals">
        {pendingCount === 1 ? '1 approval pending' : `${pendingCount} approvals pending`}
      </a>
      <span className="spacer" />
      {me.demo && (
        <span className="status-item demo" title="The gateway runs with --demo: a development identity provider">
          DEMO
        </span>
      )}
      <span className="status-item" title={`Groups: ${me.principal.groups.join(', ') || '—'}`}>
        {name} · {me.principal.roles.join(', ') || 'no roles'}
      </span>
    </footer>
  );
}
