import type { Decision } from '../api/api.types';

const TEXT: Record<Decision, string> = { allow: 'allowed', deny: 'denied', review: 'review' };

/** A policy decision with the rule that took it. */
export function DecisionBadge({
  decision,
  rule,
  reason,
}: {
  decision: Decision;
  rule: string | null;
  reason?: string;
}) {
  return (
    <span className={`badge decision-${decision}`} data-decision={decision} title={reason || undefined}>
      {TEXT[decision]}
      {rule && <span className="badge-rule">{rule}</span>}
    </span>
  );
}
