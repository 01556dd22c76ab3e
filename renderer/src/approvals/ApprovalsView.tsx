import { useEffect, useState } from 'react';
import type { Approval } from '../api/api.types';
import { formatDateTime } from '../lib/format';
import { useApp } from '../shell/AppContext';
import type { ApprovalsTab } from '../shell/routes';
import { sessionHref } from '../shell/routes';
import { ApprovalCard } from './ApprovalCard';

/** The approver's inbox: pending requests across sessions (live), and the history of decided ones. */
export function ApprovalsView({ tab }: { tab: ApprovalsTab }) {
  const { pending } = useApp();
  return (
    <section className="view approvals-view" aria-labelledby="approvals-title">
      <header className="view-header">
        <h1 id="approvals-title">Approvals</h1>
        <nav className="tabs" aria-label="Approvals">
          <a
            href="#/approvals"
            className={tab === 'pending' ? 'tab active' : 'tab'}
            aria-current={tab === 'pending' ? 'page' : undefined}
          >
            Pending <span className="count">{pending.length}</span>
          </a>
          <a
            href="#/approvals?tab=history"
            className={tab === 'history' ? 'tab active' : 'tab'}
            aria-current={tab === 'history' ? 'page' : undefined}
          >
            History
          </a>
        </nav>
      </header>
      {tab === 'pending' ? <PendingInbox pending={pending} /> : <ApprovalHistory />}
    </section>
  );
}

function PendingInbox({ pending }: { pending: Approval[] }) {
  if (pending.length === 0) {
    return (
      <div className="empty big">
        <p>No statements are waiting for a decision.</p>
        <p className="muted">Held statements appear here the moment an agent sends them.</p>
      </div>
    );
  }
  return (
    <div className="card-list">
      {pending.map((approval) => (
        <ApprovalCard key={approval.id} approval={approval} showSession />
      ))}
    </div>
  );
}

function ApprovalHistory() {
  const { api, pending } = useApp();
  const [approvals, setApprovals] = useState<Approval[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Refreshed when the pending set changes: something was just requested or decided.
  useEffect(() => {
    void pending;
    const controller = new AbortController();
    api
      .listApprovals('all', controller.signal)
      .then((list) => setApprovals([...list].sort((a, b) => Date.parse(b.requestedAt) - Date.parse(a.requestedAt))))
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [api, pending]);

  if (error) {
    return (
      <div className="banner error" role="alert">
        {error}
      </div>
    );
  }
  if (!approvals) return <div className="view-loading">Loading…</div>;
  return (
    <div className="table-scroll">
      <table className="plain-table" aria-label="Approval history">
        <thead>
          <tr>
            <th>Requested</th>
            <th>Status</th>
            <th>Requester</th>
            <th>Connection</th>
            <th>Statement</th>
            <th>Rule</th>
            <th>Decided by</th>
            <th>Session</th>
          </tr>
        </thead>
        <tbody>
          {approvals.map((a) => (
            <tr key={a.id} data-approval-id={a.id}>
              <td className="nowrap">{formatDateTime(a.requestedAt)}</td>
              <td>
                <span className={`badge approval-${a.status}`}>{a.status}</span>
              </td>
              <td>{a.principal}</td>
              <td>{a.connection}</td>
              <td className="mono ellipsis" title={a.statement}>
                {a.statement}
              </td>
              <td>{a.rule}</td>
              <td>
                {a.votes.map((v) => (
                  <div key={`${v.approver}:${v.at}`} title={v.reason}>
                    {v.decision} · {v.approver}
                    {v.reason && <span className="muted"> — {v.reason}</span>}
                  </div>
                ))}
              </td>
              <td>
                <a href={sessionHref(a.sessionId)}>open</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {approvals.length === 0 && <div className="empty">No approval requests yet.</div>}
    </div>
  );
}
