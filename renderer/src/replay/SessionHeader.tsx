import type { ReactNode } from 'react';
import type { Session } from '../api/api.types';
import { StatusBadge } from '../components/StatusBadge';
import { elapsedMs, formatBytes, formatCount, formatDateTime, formatDuration, shortHash } from '../lib/format';
import { useNow } from '../shell/use-now';

/** Who, where, when and how much — plus the session's actions (which depend on where it was opened from). */
export function SessionHeader({ session, actions }: { session: Session; actions?: ReactNode }) {
  const live = session.status === 'live';
  const now = useNow(1000, live);

  return (
    <header className="session-header">
      <div className="session-title">
        <StatusBadge status={session.status} />
        <h1>
          {session.principal} <span className="muted">→</span> {session.connection}
        </h1>
        <span className={`proto proto-${session.protocol}`}>{session.protocol}</span>
        <span className="spacer" />
        {actions}
      </div>
      <dl className="session-facts">
        <div>
          <dt>Started</dt>
          <dd>{formatDateTime(session.startedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(elapsedMs(session.startedAt, session.endedAt, now))}</dd>
        </div>
        <div>
          <dt>Commands</dt>
          <dd>{formatCount(session.commands)}</dd>
        </div>
        <div>
          <dt>Denials</dt>
          <dd className={session.denials ? 'warn' : undefined}>{formatCount(session.denials)}</dd>
        </div>
        <div>
          <dt>Approvals</dt>
          <dd>{formatCount(session.approvals)}</dd>
        </div>
        <div>
          <dt>Masked</dt>
          <dd className={session.masked ? 'masked-count' : undefined}>{formatCount(session.masked)}</dd>
        </div>
        <div>
          <dt>Traffic</dt>
          <dd>
            ↑ {formatBytes(session.bytesIn)} ↓ {formatBytes(session.bytesOut)}
          </dd>
        </div>
        <div>
          <dt>Client</dt>
          <dd>{session.clientAddr}</dd>
        </div>
        <div>
          <dt>Upstream</dt>
          <dd>{session.upstream}</dd>
        </div>
        {session.endReason && (
          <div>
            <dt>Ended</dt>
            <dd>{session.endReason}</dd>
          </div>
        )}
        <div>
          <dt>Final hash</dt>
          <dd className="mono" title={session.finalHash ?? 'Not sealed yet'}>
            {shortHash(session.finalHash)}
          </dd>
        </div>
      </dl>
    </header>
  );
}
