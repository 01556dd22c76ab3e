import { lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import type { Session } from '../api/api.types';
import type { LiveSocket } from '../api/live-socket';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { ConsoleView } from '../console/ConsoleView';
import { HttpExchangeList } from '../http/HttpExchangeList';
import { CommandOutline } from './CommandOutline';
import { FrameInspector } from './FrameInspector';
import type { FrameSource } from './frame-source';
import { KeyHelp } from './KeyHelp';
import { ReplayTimeline } from './ReplayTimeline';
import { ReplayTransport } from './ReplayTransport';
import { useReplay } from './use-replay';
import { useReplayKeys } from './use-replay-keys';
import './session.css';

// xterm.js loads only for terminal sessions.
const TerminalView = lazy(() => import('../terminal/TerminalView').then((m) => ({ default: m.TerminalView })));

export interface ReplayViewProps {
  session: Session;
  /** Fixed for the life of the view (key the view by session to change it). */
  source: FrameSource;
  live: LiveSocket | null;
  frame: number | null;
  frameHref: (frame: number | null) => string;
  /** The session's header (facts and actions). */
  header: ReactNode;
  /** Above the stage: why this replay may not be what it seems (a packet that did not verify). */
  banner?: ReactNode;
  /** After the last statement or below the terminal (approval cards of a live session). */
  footer?: ReactNode;
}

/**
 * One session replayed: outline, console (PostgreSQL) or terminal (ssh), transport, timeline and frame
 * inspector. The same view for a session on the gateway (live or finished) and one from an evidence packet.
 */
export function ReplayView({ session, source, live, frame, frameHref, header, banner, footer }: ReplayViewProps) {
  const replay = useReplay({ sessionId: session.id, session, initialFrame: frame, source, live, frameHref });
  const { ctx, dispatch, store, version } = replay;
  const [inspect, setInspect] = useState<number | null>(null);
  const [showKeys, setShowKeys] = useState(false);

  // A deep link to another frame of this session, followed while the view is open.
  useEffect(() => {
    if (frame !== null) dispatch({ type: 'SEEK', frame });
  }, [frame, dispatch]);

  // The inspector follows the cursor again whenever it moves.
  useEffect(() => {
    void ctx.cursor;
    setInspect(null);
  }, [ctx.cursor]);

  const seek = useCallback((n: number) => dispatch({ type: 'SEEK', frame: n }), [dispatch]);
  useReplayKeys({
    togglePlay: () => dispatch({ type: 'TOGGLE' }),
    step: (delta) => dispatch({ type: 'STEP', delta }),
    seekByTime: replay.seekByTime,
    seekByFraction: (fraction) => seek(Math.round(ctx.cursor + fraction * ctx.total)),
    previousCommand: () => replay.previousCommandFrame !== null && seek(replay.previousCommandFrame),
    nextCommand: () => replay.nextCommandFrame !== null && seek(replay.nextCommandFrame),
    home: () => seek(0),
    end: () => seek(ctx.total - 1),
    toggleHelp: () => setShowKeys((open) => !open),
  });

  const inspected = inspect ?? Math.max(0, ctx.cursor);
  return (
    <section className="view session-view" aria-label={`Session ${session.id}`} data-session-id={session.id}>
      {header}
      {banner}
      <div className="session-body">
        <CommandOutline
          markers={replay.markers.markers}
          markerVersion={replay.markerVersion}
          coverage={replay.markerCoverage}
          cursor={ctx.cursor}
          frameHref={frameHref}
          onSeek={seek}
        />
        <div className="stage">
          {store.error && (
            <div className="banner error" role="alert">
              Frames could not be loaded: {store.error.message}
            </div>
          )}
          <ErrorBoundary what="This replay">
            {session.protocol === 'ssh' ? (
              <Suspense fallback={<div className="view-loading">Loading terminal…</div>}>
                <TerminalView store={store} version={version} cursor={ctx.cursor} />
                {footer}
              </Suspense>
            ) : session.protocol === 'http' ? (
              <HttpExchangeList
                store={store}
                version={version}
                cursor={ctx.cursor}
                onInspect={setInspect}
                footer={footer}
              />
            ) : (
              <ConsoleView store={store} version={version} cursor={ctx.cursor} onInspect={setInspect} footer={footer} />
            )}
          </ErrorBoundary>
        </div>
      </div>
      <div className="transport">
        <ReplayTransport
          ctx={ctx}
          dispatch={dispatch}
          timeUs={store.timeOf(Math.max(0, ctx.cursor))}
          previousCommandFrame={replay.previousCommandFrame}
          nextCommandFrame={replay.nextCommandFrame}
          onShowKeys={() => setShowKeys(true)}
        />
        <ReplayTimeline
          cursor={ctx.cursor}
          total={ctx.total}
          markers={replay.markers.markers}
          markerVersion={replay.markerVersion}
          onSeek={seek}
        />
      </div>
      <ErrorBoundary what="The frame inspector">
        <FrameInspector
          frame={store.cache.peek(inspected)}
          n={ctx.total === 0 ? -1 : inspected}
          pinned={inspect !== null}
          onUnpin={() => setInspect(null)}
        />
      </ErrorBoundary>
      {showKeys && <KeyHelp onClose={() => setShowKeys(false)} />}
    </section>
  );
}
