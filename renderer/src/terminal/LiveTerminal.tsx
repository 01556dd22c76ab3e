import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { sessionHref } from '../shell/routes';
import { fitSize, sameSize } from './terminal-fit';
import {
  describeEnding,
  inputChunks,
  parseTerminalEvent,
  type TerminalEnding,
  type TerminalEvent,
  type TerminalSize,
  terminalUrl,
} from './terminal-socket';
import './terminal.css';

type Status =
  | { state: 'connecting' }
  | { state: 'open'; sessionId: string | null }
  | { state: 'ended'; sessionId: string | null; ending: TerminalEnding };

const FALLBACK_SIZE: TerminalSize = { cols: 100, rows: 30 };
/** Window changes are sent once resizing pauses this long (a drag sends many). */
const RESIZE_DEBOUNCE_MS = 120;

/** The size of the cells xterm.js drew: its screen element spans exactly cols × rows cells. */
function cellSize(term: Terminal): { width: number; height: number } {
  const screen = term.element?.querySelector('.xterm-screen');
  if (!screen || term.cols === 0 || term.rows === 0) return { width: 0, height: 0 };
  const box = screen.getBoundingClientRect();
  return { width: box.width / term.cols, height: box.height / term.rows };
}

function fit(term: Terminal, host: HTMLElement): TerminalSize | null {
  const size = fitSize({ width: host.clientWidth, height: host.clientHeight }, cellSize(term));
  if (size && !sameSize(size, { cols: term.cols, rows: term.rows })) term.resize(size.cols, size.rows);
  return size;
}

/**
 * A shell on an ssh connection through the gateway, as the signed-in human (`WS /api/terminal`): recorded and
 * policy-checked like an agent's. xterm.js fills the panel and follows its size; `attempt` reconnects.
 */
export function LiveTerminal({ connection }: { connection: string }) {
  const host = useRef<HTMLElement>(null);
  const [status, setStatus] = useState<Status>({ state: 'connecting' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    void attempt; // a new attempt opens a new terminal
    const element = host.current;
    if (!element || !connection) return;
    setStatus({ state: 'connecting' });
    const term = new Terminal({
      ...FALLBACK_SIZE,
      cursorBlink: true,
      scrollback: 5000,
      fontSize: 13,
      fontFamily: 'ui-monospace, "JetBrains Mono", "SF Mono", Menlo, Consolas, monospace',
      theme: { background: '#14161b', foreground: '#d4d7de', cursor: '#d4d7de' },
    });
    term.open(element);
    const size = fit(term, element) ?? FALLBACK_SIZE;
    const socket = new WebSocket(terminalUrl(window.location, connection, size));
    socket.binaryType = 'arraybuffer';
    const seen = { ready: false, exit: null as TerminalEvent | null, error: null as string | null };
    let sessionId: string | null = null;
    const encoder = new TextEncoder();

    const send = (bytes: Uint8Array<ArrayBuffer>) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      for (const chunk of inputChunks(bytes)) socket.send(chunk);
    };
    const typed = term.onData((data) => send(encoder.encode(data)));
    const binary = term.onBinary((data) => send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));

    socket.onmessage = (message: MessageEvent<ArrayBuffer | string>) => {
      if (typeof message.data !== 'string') {
        term.write(new Uint8Array(message.data));
        return;
      }
      const event = parseTerminalEvent(message.data);
      if (event?.type === 'ready') {
        seen.ready = true;
        sessionId = event.sessionId;
        setStatus({ state: 'open', sessionId });
        term.focus();
      } else if (event?.type === 'exit') seen.exit = event;
      else if (event?.type === 'error') seen.error = event.message;
    };
    socket.onclose = (close) => {
      const ending = describeEnding(seen, { code: close.code, reason: close.reason });
      setStatus({ state: 'ended', sessionId, ending });
      term.options.cursorBlink = false;
    };

    let timer: ReturnType<typeof setTimeout> | undefined;
    let sent: TerminalSize | null = size;
    const observer = new ResizeObserver(() => {
      const next = fit(term, element);
      if (!next || sameSize(next, sent)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (socket.readyState !== WebSocket.OPEN) return;
        sent = next;
        socket.send(JSON.stringify({ type: 'resize', ...next }));
      }, RESIZE_DEBOUNCE_MS);
    });
    observer.observe(element);

    return () => {
      clearTimeout(timer);
      observer.disconnect();
      typed.dispose();
      binary.dispose();
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, 'closed in the IDE');
      term.dispose();
    };
  }, [connection, attempt]);

  return (
    <div className="live-terminal">
      <div className="live-terminal-status" aria-live="polite">
        {status.state === 'connecting' && <span className="muted">Connecting to {connection} through Vigil…</span>}
        {status.state === 'open' && (
          <span>
            <span className="live-dot" aria-hidden="true" /> Connected to <strong>{connection}</strong> through the
            gateway: every line is policy-checked and recorded
            {status.sessionId && (
              <>
                {' '}
                as <a href={sessionHref(status.sessionId)}>session {status.sessionId}</a>
              </>
            )}
            .
          </span>
        )}
        {status.state === 'ended' && (
          <>
            <span className={status.ending.tone === 'error' ? 'terminal-ended error' : 'terminal-ended'} role="alert">
              {status.ending.text}
            </span>
            {status.sessionId && (
              <a href={sessionHref(status.sessionId)} className="muted">
                Replay session {status.sessionId}
              </a>
            )}
            <button type="button" className="button small" onClick={() => setAttempt((a) => a + 1)}>
              Reconnect
            </button>
          </>
        )}
      </div>
      <section className="live-terminal-host" ref={host} aria-label={`Terminal on ${connection}`} />
    </div>
  );
}
