import type { ReviewOutcome } from './command-gate.types';

/** The `approval.decided` annotation a protocol records when the request of a command it held is settled. */
export function decidedAnnotation(requestId: string, outcome: ReviewOutcome) {
  return {
    type: 'approval.decided',
    requestId,
    decision: outcome.approved ? 'approve' : outcome.status === 'cancelled' ? 'cancelled' : 'deny',
    approver: outcome.approver,
    reason: outcome.reason,
  };
}

/** Why a held command was not approved: `approval timed out`, `denied by alice: not now`. */
export function notApprovedWhy(outcome: Extract<ReviewOutcome, { approved: false }>): string {
  const why = outcome.status === 'expired' ? 'approval timed out' : `denied by ${outcome.approver ?? 'an approver'}`;
  return `${why}${outcome.reason ? `: ${outcome.reason}` : ''}`;
}
