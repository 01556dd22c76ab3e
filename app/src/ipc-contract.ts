// The desktop bridge between the IDE (renderer, untrusted as far as main is concerned) and the main
// process. Pure: no Electron, no Node; the preload and main both import it, and both validate what
// crosses: main because a compromised page could send anything, the preload because main's answers
// become values in the page.

/** IPC channel names. */
export const IPC = {
  /** renderer → main, `invoke`: `SaveEvidenceRequest` → `SaveEvidenceResult`. */
  saveEvidence: 'vigil:evidence:save',
  /** renderer → main, `invoke`: no payload → the pending approvals count. */
  pendingApprovalsGet: 'vigil:approvals:pending-get',
  /** main → renderer, `send`: the pending approvals count, whenever it changes. */
  pendingApprovalsChanged: 'vigil:approvals:pending-changed',
} as const;

export type IpcChannel = (typeof IPC)[keyof typeof IPC];

/** The name under which the preload exposes the bridge: `window.vigilDesktop`. */
export const BRIDGE_NAME = 'vigilDesktop';

/**
 * Main tells the preload the gateway's origin through the renderer's command line
 * (`webPreferences.additionalArguments`), so the bridge is exposed to the gateway's pages only, not to an
 * identity provider's sign-in page shown in the same window.
 */
export const ORIGIN_ARG = '--vigil-gateway-origin=';

export function gatewayOriginArg(origin: string): string {
  return `${ORIGIN_ARG}${origin}`;
}

export function gatewayOriginFromArgv(argv: readonly string[]): string | undefined {
  const arg = argv.find((a) => a.startsWith(ORIGIN_ARG));
  const value = arg?.slice(ORIGIN_ARG.length);
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface SaveEvidenceRequest {
  sessionIds: string[];
}

export interface SaveEvidenceResult {
  /** False when the user cancelled the dialog, or on `error`. */
  saved: boolean;
  path?: string;
  /** Why nothing was saved, for the user (sign-in needed, the gateway refused, disk error). */
  error?: string;
}

/** What the IDE sees as `window.vigilDesktop` in the desktop app (absent in a browser). */
export interface VigilDesktopApi {
  saveEvidence(sessionIds: string[]): Promise<SaveEvidenceResult>;
  /** Called with the current count right away, then on every change; returns the unsubscribe function. */
  onPendingApprovals(cb: (count: number) => void): () => void;
  platform: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Session ids are 26-character sortable ids today; allow some room, never separators or dots. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_EVIDENCE_SESSIONS = 500;
const MAX_PATH_CHARS = 4096;
const MAX_ERROR_CHARS = 2000;
/** Far above any real pending queue; a count beyond it is a bug or an attack. */
const MAX_PENDING_COUNT = 1_000_000;

export function parseSaveEvidenceRequest(payload: unknown): Parsed<SaveEvidenceRequest> {
  if (!isPlainObject(payload)) return fail('the request must be an object');
  const extra = Object.keys(payload).filter((k) => k !== 'sessionIds');
  if (extra.length > 0) return fail(`unknown field: ${extra.join(', ')}`);
  const ids = payload.sessionIds;
  if (!Array.isArray(ids)) return fail('sessionIds must be an array');
  if (ids.length === 0) return fail('sessionIds is empty');
  if (ids.length > MAX_EVIDENCE_SESSIONS) return fail(`at most ${MAX_EVIDENCE_SESSIONS} sessions per packet`);
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || !SESSION_ID.test(id)) return fail('sessionIds must be session ids');
    if (seen.has(id)) return fail(`session ${id} is listed twice`);
    seen.add(id);
  }
  return { ok: true, value: { sessionIds: [...seen] } };
}

export function parseSaveEvidenceResult(payload: unknown): Parsed<SaveEvidenceResult> {
  if (!isPlainObject(payload) || typeof payload.saved !== 'boolean') return fail('malformed result');
  const { saved, path, error } = payload;
  if (path !== undefined && (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH_CHARS))
    return fail('malformed result path');
  if (error !== undefined && typeof error !== 'string') return fail('malformed result error');
  if (saved && path === undefined) return fail('a saved result names its path');
  return {
    ok: true,
    value: {
      saved,
      ...(path === undefined ? {} : { path }),
      ...(error === undefined ? {} : { error: error.slice(0, MAX_ERROR_CHARS) }),
    },
  };
}

export function parsePendingCount(payload: unknown): Parsed<number> {
  return typeof payload === 'number' && Number.isSafeInteger(payload) && payload >= 0 && payload <= MAX_PENDING_COUNT
    ? { ok: true, value: payload }
    : fail('the pending count must be a non-negative integer');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
