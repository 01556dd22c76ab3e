/**
 * Event types the gateway writes (proxy-core `audit/`, `api/session-routes.ts`, `evidence/`); the list offered
 * also takes every type seen in the events shown, so a type added later is offered as soon as it occurs.
 */
export const KNOWN_TYPES = [
  'session.start',
  'session.end',
  'statement',
  'approval.requested',
  'approval.vote',
  'approval.decided',
  'session.note',
  'session.step_mode',
  'session.terminate',
  'auth.success',
  'auth.failure',
  'auth.login',
  'auth.logout',
  'evidence.export',
  'evidence.export_failed',
  'audit.checkpoint',
  'recording.purged',
  'recording.purge_refused',
] as const;

/** The known types, then any other type among the events, sorted. */
export function typeOptions(events: readonly { type: string }[]): string[] {
  const known = new Set<string>(KNOWN_TYPES);
  const seen = [...new Set(events.map((e) => e.type))].filter((t) => t && !known.has(t)).sort();
  return [...KNOWN_TYPES, ...seen];
}
