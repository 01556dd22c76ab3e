// The IDE terminal's WebSocket protocol (`WS /api/terminal?connection=NAME&cols=&rows=`):
// - binary frames carry terminal bytes: keystrokes from the browser, shell output (stdout and stderr) to it;
// - text frames carry small JSON control messages: `resize` from the browser; `ready`, `exit` and `error` to it.

export const TERMINAL_PATH = '/api/terminal';

/** What a terminal opens at when the query gives no (or a nonsensical) size: the VT100 default. */
export const DEFAULT_TERMINAL_SIZE: TerminalSize = { cols: 80, rows: 24 };
/** Bounds for a PTY size: xterm.js and OpenSSH accept far more, but nothing on a screen needs it. */
const MAX_COLS = 1000;
const MAX_ROWS = 500;

/** Close codes (RFC 6455 §7.4): 1000 the shell ended, 4401 signed out or token expired (mirrors HTTP 401). */
export const TERMINAL_CLOSE = {
  normal: 1000,
  goingAway: 1001,
  internalError: 1011,
  tooSlow: 1013,
  signedOut: 4401,
} as const;

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** Browser → server. */
export type TerminalControl = { type: 'resize' } & TerminalSize;

/** Server → browser. */
export type TerminalEvent =
  /** The shell is open; `sessionId` is the recorded gateway session (null if it could not be found). */
  | { type: 'ready'; connection: string; sessionId: string | null }
  /** The remote shell ended; the socket closes next. */
  | { type: 'exit'; code: number | null; signal: string | null }
  /** The gateway refused the connection, or it broke off; the socket closes next. */
  | { type: 'error'; message: string };

function dimension(n: unknown, max: number): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? Math.min(n, max) : undefined;
}

const queryNumber = (raw: string | null) => (raw === null || raw === '' ? undefined : Number(raw));

/** The size asked for in the query string; the default for whatever is missing or not a positive integer. */
export function sizeFromQuery(params: URLSearchParams): TerminalSize {
  return {
    cols: dimension(queryNumber(params.get('cols')), MAX_COLS) ?? DEFAULT_TERMINAL_SIZE.cols,
    rows: dimension(queryNumber(params.get('rows')), MAX_ROWS) ?? DEFAULT_TERMINAL_SIZE.rows,
  };
}

/** A control message from the browser, or undefined for anything else (ignored: the IDE never sends junk). */
export function parseControl(text: string): TerminalControl | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, cols, rows } = message as Record<string, unknown>;
  if (type !== 'resize') return undefined;
  const c = dimension(cols, MAX_COLS);
  const r = dimension(rows, MAX_ROWS);
  return c === undefined || r === undefined ? undefined : { type, cols: c, rows: r };
}
