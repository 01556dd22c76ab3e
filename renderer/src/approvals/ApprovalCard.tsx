import { useId, useState } from 'react';
import type { Approval } from '../api/api.types';
import { formatDateTime, formatDuration } from '../lib/format';
import { SqlView } from '../monaco/CodeView';
import { useApp } from '../shell/AppContext';
import { sessionHref } from '../shell/routes';
import { useNow } from '../shell/use-now';
import { describeAction } from './approvals-list';
import './approvals.css';

interface ApprovalCardProps {
  approval: Approval;
  /** Show the link to the session (the inbox does; the card inside the session does not need it). */
  showSession?: boolean;
}

/** A held statement and its decision: the same card in a live session and in the approvals inbox. */
export function ApprovalCard({ approval, showSession = false }: ApprovalCardProps) {
  const { api, putApproval, toast } = useApp();
  const pending = approval.status === 'pending';
  const now = useNow(1000, pending);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<'approve' | 'deny' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const reasonId = useId();

  const decide = async (decision: 'approve' | 'deny') => {
    setBusy(decision);
    setError(null);
    try {
      const updated = await api.decide(approval.id, decision, reason.trim());
      if (updated && typeof updated === 'object' && 'status' in updated) putApproval(updated);
      toast(decision === 'approve' ? 'Approved' : 'Denied', 'success');
    } catch (e) {
      // The server's reason, as is: "you cannot approve your own request", "already decided", …
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  const waited =
    (pending ? now : Date.parse(approval.votes.at(-1)?.at ?? '') || now) - Date.parse(approval.requestedAt);
  const expiresIn = Date.parse(approval.expiresAt) - now;
  return (
    <article
      className={`approval-card status-${approval.status}`}
      aria-labelledby={titleId}
      data-approval-id={approval.id}
      data-session-id={approval.sessionId}
    >
      <header className="approval-head">
        <h3 id={titleId}>{pending ? 'Held for approval' : `Request ${approval.status}`}</h3>
        <span className="badge decision-review">{approval.rule}</span>
        <span className="spacer" />
        {pending ? (
          <span className="waiting" title={`Requested ${formatDateTime(approval.requestedAt)}`}>
            waiting <strong>{formatDuration(waited)}</strong>
            {Number.isFinite(expiresIn) && (
              <span className={expiresIn < 60_000 ? 'expiring' : 'muted'}>
                {' '}
                · {expiresIn > 0 ? `expires in ${formatDuration(expiresIn)}` : 'expired'}
              </span>
            )}
          </span>
        ) : (
          <span className="muted">{formatDateTime(approval.requestedAt)}</span>
        )}
      </header>
      <dl className="approval-facts">
        <dt>Requester</dt>
        <dd>{approval.principal}</dd>
        <dt>Connection</dt>
        <dd>{approval.connection}</dd>
        {showSession && (
          <>
            <dt>Session</dt>
            <dd>
              <a href={sessionHref(approval.sessionId)}>{approval.sessionId}</a>
            </dd>
          </>
        )}
        <dt>Votes</dt>
        <dd>
          {approval.votes.length} of {approval.requiredCount}
          {approval.votes.map((vote) => (
            <span key={`${vote.approver}:${vote.at}`} className="vote" title={vote.reason}>
              {vote.decision} by {vote.approver}
            </span>
          ))}
        </dd>
      </dl>
      <SqlView sql={approval.statement} maxLines={10} label="Held statement" />
      <RunValues runs={approval.runs ?? []} />
      {approval.actions.length > 0 && (
        <ul className="actions" aria-label="Actions">
          {approval.actions.map((action, i) => (
            // Actions have no identity of their own; their order is the policy's.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <li key={i} className="chip">
              {describeAction(action)}
            </li>
          ))}
        </ul>
      )}
      {pending && (
        <div className="approval-decide">
          <label htmlFor={reasonId} className="visually-hidden">
            Reason
          </label>
          <textarea
            id={reasonId}
            rows={2}
            placeholder="Reason (recorded with your decision)"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
          <div className="approval-buttons">
            <button type="button" className="button approve" disabled={busy !== null} onClick={() => decide('approve')}>
              Approve
            </button>
            <button type="button" className="button deny" disabled={busy !== null} onClick={() => decide('deny')}>
              Deny
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="approval-error" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}

/** Runs of a batch shown on a card before "… N more runs". */
const MAX_RUNS_SHOWN = 20;

/** The values the held statement runs with: $1, $2… of one run, or a table of the runs of a batch. */
function RunValues({ runs }: { runs: (string | null)[][] }) {
  const [first] = runs;
  if (first === undefined || first.length === 0) return null;
  const value = (v: string | null) => <span className={v === null ? 'muted' : undefined}>{v ?? 'NULL'}</span>;
  if (runs.length === 1)
    return (
      <dl className="approval-parameters" aria-label="Parameters">
        {first.map((v, i) => (
          // Parameters are positional: $1, $2, …
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <div key={i}>
            <dt>${i + 1}</dt>
            <dd>{value(v)}</dd>
          </div>
        ))}
      </dl>
    );
  return (
    <div className="approval-runs">
      <p>
        <strong>{runs.length} runs</strong> of this statement, sent together: one decision covers them all.
      </p>
      <table aria-label="Runs">
        <thead>
          <tr>
            <th scope="col">#</th>
            {first.map((_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: positional
              <th key={i} scope="col">
                ${i + 1}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.slice(0, MAX_RUNS_SHOWN).map((run, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: runs are positional too
            <tr key={r}>
              <td className="muted">{r + 1}</td>
              {run.map((v, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: positional
                <td key={i}>{value(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {runs.length > MAX_RUNS_SHOWN && (
        <p className="muted">… {runs.length - MAX_RUNS_SHOWN} more runs (all of them are in the request)</p>
      )}
    </div>
  );
}
