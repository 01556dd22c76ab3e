import type { Frame } from '../api/api.types';

export type MarkerKind = 'command' | 'denial' | 'approval' | 'mask' | 'note';

/** The timeline lanes, top to bottom. */
export const MARKER_KINDS: readonly MarkerKind[] = ['command', 'denial', 'approval', 'mask', 'note'];

export interface Marker {
  /** The annotation frame. */
  n: number;
  /** Where "jump to" lands: for a command, the frame that carried it. */
  target: number;
  kind: MarkerKind;
  label: string;
}

/** The marker an annotation frame puts on the timeline, if any. */
export function markerOf(frame: Frame): Marker | null {
  if (frame.kind !== 'annotation') return null;
  const a = frame.value;
  const at = (kind: MarkerKind, label: string, target = frame.n): Marker => ({ n: frame.n, target, kind, label });
  switch (a.type) {
    case 'command': {
      // A command held for review shows on the command lane; its approval shows on the approval lane.
      return at(a.decision === 'deny' ? 'denial' : 'command', a.text, Math.min(a.frame, frame.n));
    }
    case 'approval.requested':
      return at('approval', `Approval requested: ${a.text}`);
    case 'approval.decided':
      return at('approval', `${a.decision} by ${a.approver}${a.reason ? `: ${a.reason}` : ''}`);
    case 'mask':
      return at('mask', `Masked by ${a.rule}`);
    case 'note':
      return at('note', `${a.author}: ${a.text}`);
    default:
      return null;
  }
}

const isCommand = (m: Marker) => m.kind === 'command' || m.kind === 'denial';

/** The markers of a session, sorted and de-duplicated by frame, growing as frames are discovered. */
export class MarkerIndex {
  #markers: Marker[] = [];
  #commands: number[] = [];
  readonly #seen = new Set<number>();

  get markers(): readonly Marker[] {
    return this.#markers;
  }

  /** Command targets, ascending (for previous/next command). */
  get commands(): readonly number[] {
    return this.#commands;
  }

  /** Adds the markers of these frames; true when anything new was added. */
  add(frames: readonly Frame[]): boolean {
    const added: Marker[] = [];
    for (const frame of frames) {
      if (frame.kind !== 'annotation' || this.#seen.has(frame.n)) continue;
      this.#seen.add(frame.n);
      const marker = markerOf(frame);
      if (marker) added.push(marker);
    }
    if (added.length === 0) return false;
    added.sort((a, b) => a.n - b.n);
    const lastN = this.#markers.at(-1)?.n ?? -1;
    const firstAdded = added[0]?.n ?? 0;
    // Pages usually arrive in order: appending keeps a 1M-frame session's markers cheap to build.
    this.#markers =
      firstAdded > lastN ? this.#markers.concat(added) : [...this.#markers, ...added].sort((a, b) => a.n - b.n);
    const commands = added
      .filter(isCommand)
      .map((m) => m.target)
      .sort((a, b) => a - b);
    const lastCommand = this.#commands.at(-1) ?? -1;
    if (commands.length > 0) {
      this.#commands =
        (commands[0] ?? 0) >= lastCommand
          ? this.#commands.concat(commands)
          : [...this.#commands, ...commands].sort((a, b) => a - b);
    }
    return true;
  }
}

/** The first command after the cursor, or null. */
export function nextCommand(commands: readonly number[], cursor: number): number | null {
  let lo = 0;
  let hi = commands.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((commands[mid] ?? 0) <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return commands[lo] ?? null;
}

/** The last command before the cursor, or null. */
export function previousCommand(commands: readonly number[], cursor: number): number | null {
  let lo = 0;
  let hi = commands.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((commands[mid] ?? 0) < cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? (commands[lo - 1] ?? null) : null;
}

export interface MarkerBucket {
  /** Position on the timeline, 0..1. */
  at: number;
  kind: MarkerKind;
  count: number;
  /** The first marker of the bucket (its frame is where a click lands). */
  first: Marker;
}

/**
 * Markers grouped into `buckets` columns per lane, so a session with 100k masks draws at most
 * buckets × lanes ticks.
 */
export function bucketMarkers(markers: readonly Marker[], total: number, buckets: number): MarkerBucket[] {
  if (total <= 0 || buckets <= 0) return [];
  const span = Math.max(1, total - 1);
  const byKey = new Map<string, MarkerBucket>();
  for (const marker of markers) {
    const column = Math.min(buckets - 1, Math.floor((marker.n / span) * buckets));
    const key = `${marker.kind}:${column}`;
    const bucket = byKey.get(key);
    if (bucket) bucket.count += 1;
    else byKey.set(key, { at: Math.min(1, marker.n / span), kind: marker.kind, count: 1, first: marker });
  }
  return [...byKey.values()];
}
