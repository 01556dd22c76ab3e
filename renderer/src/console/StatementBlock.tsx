import { memo } from 'react';
import { DecisionBadge } from '../components/DecisionBadge';
import { ResultGrid } from '../components/ResultGrid';
import { formatCount, formatTimecode } from '../lib/format';
import { SqlView } from '../monaco/CodeView';
import { type ConsoleStatement, isApproved } from './console-model';

const STATUS_TEXT: Record<ConsoleStatement['status'], string> = {
  running: 'running',
  held: 'held for approval',
  denied: 'denied',
  error: 'error',
  done: 'done',
};

interface StatementBlockProps {
  statement: ConsoleStatement;
  current: boolean;
  onInspect: (frame: number) => void;
}

/** One statement of the console: its SQL (Monaco), the policy decision and rule, and what came back. */
export const StatementBlock = memo(function StatementBlock({ statement, current, onInspect }: StatementBlockProps) {
  const { command, approval } = statement;
  // Annotations are normalized where frames enter the IDE; these guards keep one odd recording from
  // taking the console down all the same.
  const kinds = Array.isArray(command?.statements) ? command.statements : [];
  const actions = Array.isArray(command?.actions) ? command.actions : [];
  return (
    <article
      className={`statement status-${statement.status}${current ? ' current' : ''}`}
      data-frame={statement.frame}
      data-status={statement.status}
      aria-label={`Statement at frame ${statement.frame}`}
    >
      <header className="statement-head">
        <button
          type="button"
          className="frame-link"
          onClick={() => onInspect(statement.frame)}
          title="Show this frame in the inspector"
        >
          #{formatCount(statement.frame)}
        </button>
        <span className="timecode muted">{formatTimecode(statement.tUs)}</span>
        {command ? (
          <DecisionBadge decision={command.decision} rule={command.rule} reason={command.reason} />
        ) : (
          <span className="badge muted">no decision yet</span>
        )}
        {kinds.length > 0 && (
          <span className="muted kinds">
            {kinds.map((s) => `${s.kind}${s.tables?.length ? ` ${s.tables.join(', ')}` : ''}`).join(' · ')}
          </span>
        )}
        {actions.length > 0 && (
          <span className="muted actions" title="What the rule asked for besides its decision">
            actions: {actions.join(', ')}
          </span>
        )}
        <span className="spacer" />
        {approval?.decision && (
          <span className={`badge ${isApproved(approval.decision) ? 'decision-allow' : 'decision-deny'}`}>
            {approval.decision} by {approval.approver}
          </span>
        )}
        <span className={`statement-status status-${statement.status}`}>{STATUS_TEXT[statement.status]}</span>
      </header>
      <SqlView sql={statement.sql} />
      {command?.reason && command.decision !== 'allow' && <p className="reason muted">{command.reason}</p>}
      {statement.results.map((result, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: result sets only ever append; the nth stays the nth
        <div key={i} className="result">
          <ResultGrid
            columns={result.columns}
            rows={result.rows}
            masks={result.masks}
            label={`Result of the statement at frame ${statement.frame}`}
          />
          <div className="result-foot muted">
            {result.tag ?? `${formatCount(result.rows.length)} rows so far`}
            {result.masks.size > 0 && (
              <span className="masked-count">
                {' '}
                · {formatCount(result.masks.size)} masked {result.masks.size === 1 ? 'cell' : 'cells'}
              </span>
            )}
          </div>
        </div>
      ))}
      {statement.tags.map((tag, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: tags repeat (two INSERT 0 1) and never reorder
        <div key={i} className="command-tag muted">
          {tag}
        </div>
      ))}
      {statement.notices.map((notice, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: notices repeat and never reorder
        <div key={i} className="notice">
          NOTICE: {notice}
        </div>
      ))}
      {statement.error && (
        <div className="pg-error" role="note">
          <strong>
            {statement.error.severity} {statement.error.code}
          </strong>{' '}
          {statement.error.message}
          {statement.error.detail && <div className="muted">DETAIL: {statement.error.detail}</div>}
          {statement.error.hint && <div className="muted">HINT: {statement.error.hint}</div>}
        </div>
      )}
    </article>
  );
});
