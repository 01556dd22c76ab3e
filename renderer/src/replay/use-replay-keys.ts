import { useEffect, useRef } from 'react';

export interface ReplayKeyHandlers {
  togglePlay: () => void;
  step: (delta: number) => void;
  seekByTime: (deltaUs: number) => void;
  seekByFraction: (fraction: number) => void;
  previousCommand: () => void;
  nextCommand: () => void;
  home: () => void;
  end: () => void;
  toggleHelp: () => void;
}

/** The player keys (asciinema's, plus VS Code-style Home/End). */
export const REPLAY_KEYS: readonly [string, string][] = [
  ['Space', 'Play / pause'],
  ['← / →', 'Back / forward 5 s'],
  ['Shift + ← / →', 'Back / forward 10 %'],
  [', / .', 'Step one frame back / forward'],
  ['[ / ]', 'Previous / next command'],
  ['Home / End', 'First / last frame'],
  ['?', 'Show these keys'],
];

/** Keys belong to whatever has focus when it edits text or is a terminal / editor. */
function ownsKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('input, textarea, select, dialog, .monaco-editor, .xterm')) return true;
  return false;
}

function keyAction(event: KeyboardEvent, h: ReplayKeyHandlers): (() => void) | null {
  switch (event.key) {
    case ' ':
      return h.togglePlay;
    case 'ArrowLeft':
      return () => (event.shiftKey ? h.seekByFraction(-0.1) : h.seekByTime(-5_000_000));
    case 'ArrowRight':
      return () => (event.shiftKey ? h.seekByFraction(0.1) : h.seekByTime(5_000_000));
    case ',':
      return () => h.step(-1);
    case '.':
      return () => h.step(1);
    case '[':
      return h.previousCommand;
    case ']':
      return h.nextCommand;
    case 'Home':
      return h.home;
    case 'End':
      return h.end;
    case '?':
      return h.toggleHelp;
    default:
      return null;
  }
}

export function useReplayKeys(handlers: ReplayKeyHandlers): void {
  const current = useRef(handlers);
  current.current = handlers;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || ownsKeys(event.target)) return;
      // Space on a focused button or link activates it (Approve must not turn into "play").
      if (event.key === ' ' && event.target instanceof Element && event.target.closest('button, a, summary')) return;
      const action = keyAction(event, current.current);
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
