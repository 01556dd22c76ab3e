import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { Session } from '../api/api.types';
import { ApprovalCard } from '../approvals/ApprovalCard';
import { pendingForSession } from '../approvals/approvals-list';
import { ConsoleView } from '../console/ConsoleView';
import { useApp } from '../shell/AppContext';
import { CommandOutline } from './CommandOutline';
import { FrameInspector } from './FrameInspector';
import { KeyHelp } from './KeyHelp';
import { ReplayTimeline } from './ReplayTimeline';
import { ReplayTransport } from './ReplayTransport';
import { SessionHeader } from './SessionHeader';
import { useReplay } from './use-replay';
import { useReplayKeys } from './use-replay-keys';
import './session.css';

// xterm.js loads only for terminal sessions.
const TerminalView = lazy(() => import('../terminal/TerminalView').then((m) => ({ default: m.TerminalView })));

/** The session as it is (live) or was (replay), loaded and kept current over the live socket. */
function useSession(id: string): { session: Session | null; error: string | null; reload: () => void } {
  const { api, live, liveStatus } = useApp();
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    void generation; // reload() asks again (after an action on the session, or a reconnect)
    const controller = new AbortController();
    api
      .getSession(id, controller.signal)
      .then((s) => {
        setSession(s);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [api, id, generation]);

  // Updates may have been missed while the socket was down.
  const wasOpen = useRef(liveStatus === 'open');
  useEffect(() => {
    if (liveStatus === 'open' && !wasOpen.current) setGeneration((g) => g + 1);
    wasOpen.current = liveStatus === 'open';
  }, [liveStatus]);

  useEffect(
    () =>
      live.onMessage((message) => {
        if ('session' in message && message.session.id === id) setSession(message.session);
      }),
    [live, id],
  );

  return { session, error, reload: useCallback(() => setGeneration((g) => g + 1), []) };
}

export function SessionView({ id, frame }: { id: string; frame: number | null }) {
  const { session, error, reload } = useSession(id);
  const { pending } = useApp();
  const replay = useReplay(id, session, frame);
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

  if (error && !session) {
    return (
      <div className="view">
        <div className="banner error" role="alert">
          Cannot open session {id}: {error}
        </div>
      </div>
    );
  }
  if (!session) return <div className="view-loading">Loading session…</div>;

  const inspected = inspect ?? Math.max(0, ctx.cursor);
  const held = pendingForSession(pending, id);
  const approvalCards =
    held.length > 0 ? (
      <section className="held" aria-label="Pending approvals for this session">
        {held.map((approval) => (
          <ApprovalCard key={approval.id} approval={approval} />
        ))}
      </section>
    ) : null;

  return (
    <section className="view session-view" aria-label={`Session ${session.id}`} data-session-id={session.id}>
      <SessionHeader session={session} onChanged={reload} />
      <div className="session-body">
        <CommandOutline
          sessionId={session.id}
          markers={replay.markers.markers}
          markerVersion={replay.markerVersion}
          coverage={replay.markerCoverage}
          cursor={ctx.cursor}
          onSeek={seek}
        />
        <div className="stage">
          {store.error && (
            <div className="banner error" role="alert">
              Frames could not be loaded: {store.error.message}
            </div>
          )}
          {session.protocol === 'ssh' ? (
            <Suspense fallback={<div className="view-loading">Loading terminal…</div>}>
              <TerminalView store={store} version={version} cursor={ctx.cursor} />
              {approvalCards}
            </Suspense>
          ) : (
            <ConsoleView
              store={store}
              version={version}
              cursor={ctx.cursor}
              onInspect={setInspect}
              footer={approvalCards}
            />
          )}
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
      <FrameInspector
        frame={store.cache.peek(inspected)}
        n={ctx.total === 0 ? -1 : inspected}
        pinned={inspect !== null}
        onUnpin={() => setInspect(null)}
      />
      {showKeys && <KeyHelp onClose={() => setShowKeys(false)} />}
    </section>
  );
}
