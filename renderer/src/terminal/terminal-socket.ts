// The IDE terminal's side of `WS /api/terminal` (proxy-core/src/api/terminal-protocol.ts): binary frames carry
// terminal bytes both ways; text frames carry JSON control messages (`resize` up; `ready`, `exit`, `error` down).

export interface TerminalSize {
  cols: number;
  rows: number;
}

export type TerminalEvent =
  | { type: 'ready'; connection: string; sessionId: string | null }
  | { type: 'exit'; code: number | null; signal: string | null }
  | { type: 'error'; message: string };

/** Pastes are sent in pieces of this size (the server takes messages up to 1 MiB). */
export const MAX_INPUT_CHUNK = 64 * 1024;

const CLOSE_SIGNED_OUT = 4401;
/** What a browser reports for a handshake the server refused (401, 403, …): it does not say which. */
const CLOSE_ABNORMAL = 1006;

export function terminalUrl(location: { protocol: string; host: string }, connection: string, size: TerminalSize) {
  const params = new URLSearchParams({ connection, cols: String(size.cols), rows: String(size.rows) });
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/terminal?${params}`;
}

export function parseTerminalEvent(text: string): TerminalEvent | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return {
        type: 'ready',
        connection: typeof m.connection === 'string' ? m.connection : '',
        sessionId: typeof m.sessionId === 'string' ? m.sessionId : null,
      };
    case 'exit':
      return {
        type: 'exit',
        code: typeof m.code === 'number' ? m.code : null,
        signal: typeof m.signal === 'string' ? m.signal : null,
      };
    case 'error':
      return { type: 'error', message: typeof m.message === 'string' ? m.message : 'the terminal failed' };
    default:
      return null;
  }
}

/** Bytes to send for what the user typed or pasted, in pieces the server accepts. */
export function inputChunks(bytes: Uint8Array<ArrayBuffer>, max = MAX_INPUT_CHUNK): Uint8Array<ArrayBuffer>[] {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for (let offset = 0; offset < bytes.length; offset += max) chunks.push(bytes.subarray(offset, offset + max));
  return chunks;
}

export interface TerminalEnding {
  text: string;
  tone: 'info' | 'error';
}

/** What the IDE says when the socket closed, from what the server told before closing and the close code. */
export function describeEnding(
  seen: { ready: boolean; exit: TerminalEvent | null; error: string | null },
  close: { code: number; reason: string },
): TerminalEnding {
  if (seen.error) return { text: seen.error, tone: 'error' };
  if (close.code === CLOSE_SIGNED_OUT)
    return { text: `The terminal was closed: ${close.reason || 'signed out'}.`, tone: 'error' };
  if (seen.exit?.type === 'exit') {
    const { code, signal } = seen.exit;
    if (signal) return { text: `The shell ended with signal ${signal}.`, tone: 'error' };
    return code === 0 || code === null
      ? { text: 'The shell ended.', tone: 'info' }
      : { text: `The shell ended with exit status ${code}.`, tone: code === 255 ? 'error' : 'info' };
  }
  if (!seen.ready && close.code === CLOSE_ABNORMAL)
    return {
      text: 'Vigil refused the terminal connection: sign in again, and check that you have the admin role.',
      tone: 'error',
    };
  if (close.reason) return { text: `The terminal was closed: ${close.reason}.`, tone: seen.ready ? 'info' : 'error' };
  return { text: 'The connection to the gateway was lost.', tone: 'error' };
}
