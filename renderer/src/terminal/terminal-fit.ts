import type { TerminalSize } from './terminal-socket';

/** xterm.js draws its scrollbar over this many pixels on the right when there is scrollback. */
export const SCROLLBAR_WIDTH = 14;
const MIN_COLS = 20;
const MIN_ROWS = 4;

/**
 * The columns and rows that fill `available` pixels with cells of `cell` pixels (what @xterm/addon-fit computes,
 * without its private-API access); null while nothing is laid out yet.
 */
export function fitSize(
  available: { width: number; height: number },
  cell: { width: number; height: number },
  scrollbar = SCROLLBAR_WIDTH,
): TerminalSize | null {
  if (!(cell.width > 0 && cell.height > 0 && available.width > 0 && available.height > 0)) return null;
  return {
    cols: Math.max(MIN_COLS, Math.floor((available.width - scrollbar) / cell.width)),
    rows: Math.max(MIN_ROWS, Math.floor(available.height / cell.height)),
  };
}

export const sameSize = (a: TerminalSize | null, b: TerminalSize | null) =>
  a !== null && b !== null && a.cols === b.cols && a.rows === b.rows;
