import type { Frame } from '../api/api.types';
import { hexToBytes } from '../lib/hex';

// How a terminal (ssh) recording becomes xterm.js writes. Only what the client was shown is written: server
// bytes of the recording channels 0 (the terminal), 1 (an exec's stdout) and 2 (stderr, and Vigil's own
// messages); not 3 (SFTP packets, binary) and not the client's keystrokes (the remote PTY echoes them).
// @see proxy-core/src/protocols/ssh/README.md, "Recording channels"

const SHOWN_CHANNELS: ReadonlySet<number> = new Set([0, 1, 2]);

export type TerminalOp = { kind: 'write'; data: Uint8Array } | { kind: 'resize'; cols: number; rows: number };

export function terminalOp(frame: Frame): TerminalOp | null {
  if (frame.kind === 'resize') return { kind: 'resize', cols: frame.cols, rows: frame.rows };
  if (frame.kind === 'bytes' && frame.direction === 'server' && SHOWN_CHANNELS.has(frame.channel)) {
    // Whole bytes when the source has them (a packet's recording); else the API's hex (its first 4 KiB).
    return { kind: 'write', data: frame.data ?? hexToBytes(frame.hex) };
  }
  return null;
}

/** Recordings up to this many frames are rebuilt from their first frame on every seek: exact. */
export const EXACT_REBUILD_LIMIT = 20_000;
/** Longer ones are rebuilt from this many frames before the cursor (a full-screen program redraws by then). */
export const REBUILD_WINDOW = 5_000;

export function rebuildStart(cursor: number, total: number): number {
  return total <= EXACT_REBUILD_LIMIT ? 0 : Math.max(0, cursor - REBUILD_WINDOW);
}

export type TerminalUpdate =
  | { kind: 'none' }
  /** Write frames (applied, cursor] on top of what is shown. */
  | { kind: 'append'; from: number; to: number }
  /** Reset the terminal and write frames [from, cursor]. */
  | { kind: 'rebuild'; from: number; to: number };

/** What to do to show frame `cursor` when frames up to `applied` are on screen (-1: nothing yet). */
export function planTerminalUpdate(applied: number, cursor: number, total: number): TerminalUpdate {
  if (cursor === applied) return { kind: 'none' };
  if (cursor > applied && cursor - applied <= REBUILD_WINDOW) return { kind: 'append', from: applied + 1, to: cursor };
  return { kind: 'rebuild', from: rebuildStart(cursor, total), to: cursor };
}
