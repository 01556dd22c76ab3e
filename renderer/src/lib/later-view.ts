/** What tells two views of one record apart in time: a status that only leaves `open`, and progress that only grows. */
export interface Progression<T> {
  status: (view: T) => string;
  open: string;
  progress: (view: T) => number;
}

/**
 * The later of two views of one record, whichever arrived last (a list answer may overtake a live event, or the
 * other way round): a view no longer `open` is later than an open one, and of two with the same status the one
 * with more progress is. On a tie the incoming view wins, so a change nothing counts still applies.
 */
export function laterOf<T>(current: T, incoming: T, p: Progression<T>): T {
  const from = p.status(current);
  const to = p.status(incoming);
  if (from !== p.open && to === p.open) return current;
  if (from === to && p.progress(current) > p.progress(incoming)) return current;
  return incoming;
}
