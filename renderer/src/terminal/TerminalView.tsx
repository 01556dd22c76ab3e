import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { formatCount } from '../lib/format';
import type { FrameStore } from '../replay/frame-store';
import { planTerminalUpdate, terminalOp } from './terminal-replay';

interface TerminalViewProps {
  store: FrameStore;
  version: number;
  cursor: number;
}

const DEFAULT_SIZE = { cols: 80, rows: 24 };

/** A terminal (ssh) session replayed in xterm.js: forward by appending, backward by rebuilding. */
export function TerminalView({ store, version, cursor }: TerminalViewProps) {
  const host = useRef<HTMLElement>(null);
  const terminal = useRef<Terminal | null>(null);
  const applied = useRef(-1);
  const [size, setSize] = useState(DEFAULT_SIZE);
  const [rebuiltFrom, setRebuiltFrom] = useState(0);
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    if (!host.current) return;
    const term = new Terminal({
      ...DEFAULT_SIZE,
      disableStdin: true,
      convertEol: false,
      cursorBlink: false,
      scrollback: 5000,
      fontSize: 13,
      fontFamily: 'ui-monospace, "JetBrains Mono", "SF Mono", Menlo, Consolas, monospace',
      theme: { background: '#14161b', foreground: '#d4d7de', cursor: '#d4d7de' },
    });
    term.open(host.current);
    terminal.current = term;
    applied.current = -1;
    return () => {
      terminal.current = null;
      term.dispose();
    };
  }, []);

  useEffect(() => {
    void version; // frames arrived: a plan that was waiting may now run
    const term = terminal.current;
    if (!term) return;
    const plan = planTerminalUpdate(applied.current, cursor, store.total);
    if (plan.kind === 'none') return;
    if (!store.ensure(plan.from, plan.to)) {
      setWaiting(true);
      return;
    }
    setWaiting(false);
    if (plan.kind === 'rebuild') {
      term.reset();
      term.resize(DEFAULT_SIZE.cols, DEFAULT_SIZE.rows);
      setSize(DEFAULT_SIZE);
      setRebuiltFrom(plan.from);
    }
    for (const frame of store.cache.range(plan.from, plan.to)) {
      const op = terminalOp(frame);
      if (op?.kind === 'write') term.write(op.data);
      else if (op?.kind === 'resize') {
        term.resize(op.cols, op.rows);
        setSize({ cols: op.cols, rows: op.rows });
      }
    }
    applied.current = plan.to;
  }, [store, version, cursor]);

  return (
    <div className="terminal-stage">
      <div className="terminal-meta muted">
        {size.cols}×{size.rows}
        {rebuiltFrom > 0 && <> · rebuilt from frame #{formatCount(rebuiltFrom)}</>}
        {waiting && <> · loading frames…</>}
      </div>
      <section className="terminal-host" ref={host} aria-label="Terminal replay" />
    </div>
  );
}
