import { useCallback, useEffect, useMemo, useReducer, useState, useSyncExternalStore } from 'react';
import type { Session } from '../api/api.types';
import type { LiveSocket } from '../api/live-socket';
import { replaceHash } from '../shell/use-route';
import type { FrameSource } from './frame-source';
import { FrameStore } from './frame-store';
import { PAGE_SIZE } from './frame-window-cache';
import { loadMarkers, type MarkerCoverage } from './marker-loader';
import {
  initialReplayContext,
  isRunning,
  type ReplayContext,
  type ReplayEvent,
  STATE,
  transition,
} from './replay-machine';
import { frameAtOffset, planNextStep } from './replay-timing';
import { MarkerIndex, nextCommand, previousCommand } from './timeline-markers';

export interface Replay {
  ctx: ReplayContext;
  dispatch: (event: ReplayEvent) => void;
  store: FrameStore;
  /** Bumps whenever frames arrive (re-render signal for views that read the store). */
  version: number;
  markers: MarkerIndex;
  markerVersion: number;
  markerCoverage: MarkerCoverage | 'loading';
  previousCommandFrame: number | null;
  nextCommandFrame: number | null;
  /** Moves by recording time (←/→), within the frames already loaded. */
  seekByTime: (deltaUs: number) => void;
}

export interface ReplayOptions {
  sessionId: string;
  session: Session | null;
  initialFrame: number | null;
  /** Where frames come from (the gateway, or a packet's recording); fixed for the life of the replay. */
  source: FrameSource;
  /** The gateway's live socket, followed while the session runs; null for a recording opened in the browser. */
  live: LiveSocket | null;
  /** The address of frame n of this replay (null: the live end). */
  frameHref: (frame: number | null) => string;
}

/**
 * The replay driver: owns the frame window, the replay machine and its clock. Works the same for a finished
 * recording, a live session (watched over the live socket) and a recording from an evidence packet.
 */
export function useReplay({ sessionId, session, initialFrame, source, live, frameHref }: ReplayOptions): Replay {
  const [store] = useState(() => new FrameStore((from, limit, signal) => source.frames(from, limit, { signal })));
  const version = useSyncExternalStore(store.subscribe, store.getVersion);
  const [ctx, dispatch] = useReducer(transition, undefined, initialReplayContext);
  const markers = useMemo(() => new MarkerIndex(), []);
  const [markerVersion, bumpMarkers] = useReducer((n: number) => n + 1, 0);
  const [markerCoverage, setMarkerCoverage] = useState<MarkerCoverage | 'loading'>('loading');

  useEffect(() => () => store.cancel(), [store]);

  // Session metadata → the machine.
  const loaded = session !== null;
  const sessionLive = session?.status === 'live';
  const sessionFrames = session?.frames ?? 0;
  useEffect(() => {
    if (!loaded) return;
    store.setTotal(sessionFrames);
    dispatch({ type: 'LOADED', total: store.total, live: sessionLive, frame: initialFrame });
    // Only the first metadata counts for LOADED (the machine ignores it later); totals follow below.
  }, [loaded, store, sessionLive, sessionFrames, initialFrame]);

  useEffect(() => {
    void version; // the store's total may have grown with the frames that just arrived
    if (store.total > ctx.total) dispatch({ type: 'APPENDED', total: store.total });
  }, [store, version, ctx.total]);

  useEffect(() => {
    if (loaded && !sessionLive && ctx.live) dispatch({ type: 'SESSION_ENDED' });
  }, [loaded, sessionLive, ctx.live]);

  // A live session's frames arrive over the socket while it is watched.
  useEffect(() => {
    if (!sessionLive || !live) return;
    const unwatch = live.watch(sessionId);
    const off = live.onMessage((message) => {
      if (message.type !== 'frames' || message.sessionId !== sessionId) return;
      store.appendLive(message.frames);
      if (markers.add(message.frames)) bumpMarkers();
    });
    return () => {
      off();
      unwatch();
    };
  }, [live, sessionId, sessionLive, store, markers]);

  // Markers for the whole timeline, from annotation frames only.
  useEffect(() => {
    if (!loaded) return;
    const controller = new AbortController();
    loadMarkers(
      (from, limit, signal) => source.frames(from, limit, { kind: 'annotation', signal }),
      markers,
      bumpMarkers,
      controller.signal,
    )
      .then(setMarkerCoverage)
      .catch(() => {
        if (!controller.signal.aborted) setMarkerCoverage('partial');
      });
    return () => controller.abort();
  }, [loaded, source, markers]);

  // Without a complete marker list, every page the replay loads contributes its markers.
  useEffect(() => {
    void version; // pages arrived
    if (markerCoverage === 'complete') return;
    const around = Math.max(0, ctx.cursor);
    if (markers.add(store.cache.range(around - 2 * PAGE_SIZE, around + 2 * PAGE_SIZE))) bumpMarkers();
  }, [markerCoverage, version, ctx.cursor, markers, store]);

  // Keep the pages around the cursor (and ahead of it while playing) loaded.
  useEffect(() => {
    if (ctx.total === 0) return;
    const cursor = Math.max(0, ctx.cursor);
    store.ensure(cursor - PAGE_SIZE, cursor + (isRunning(ctx.state) ? 3 : 1) * PAGE_SIZE);
  }, [store, ctx.cursor, ctx.total, ctx.state]);

  // The clock: one timer per step, never a loop.
  useEffect(() => {
    if (ctx.state !== STATE.Playing) return;
    const plan = planNextStep(store.timeOf, ctx.cursor, ctx.total, ctx.speed, ctx.skipIdle);
    if (plan.kind === 'end') {
      dispatch({ type: 'TICK', to: ctx.total - 1 });
      return;
    }
    if (plan.kind === 'starved') {
      dispatch({ type: 'STARVED' });
      return;
    }
    const timer = setTimeout(() => dispatch({ type: 'TICK', to: plan.to }), plan.delayMs);
    return () => clearTimeout(timer);
  }, [store, ctx.state, ctx.cursor, ctx.total, ctx.speed, ctx.skipIdle]);

  useEffect(() => {
    void version; // pages arrived: the frame the clock waits for may be among them
    if (ctx.state === STATE.Buffering && store.timeOf(ctx.cursor + 1) !== undefined) dispatch({ type: 'FED' });
  }, [store, ctx.state, ctx.cursor, version]);

  // The address always links to what is on screen (not rewritten on every tick while playing).
  useEffect(() => {
    if (ctx.state === STATE.Loading || isRunning(ctx.state)) return;
    replaceHash(frameHref(ctx.state === STATE.Following ? null : Math.max(0, ctx.cursor)));
  }, [frameHref, ctx.state, ctx.cursor]);

  const seekByTime = useCallback(
    (deltaUs: number) => dispatch({ type: 'SEEK', frame: frameAtOffset(store.timeOf, ctx.cursor, ctx.total, deltaUs) }),
    [store, ctx.cursor, ctx.total],
  );

  // markerVersion invalidates the neighbours when markers arrive.
  const neighbours = useMemo(
    () => ({
      previous: previousCommand(markers.commands, ctx.cursor),
      next: nextCommand(markers.commands, ctx.cursor),
      version: markerVersion,
    }),
    [markers, ctx.cursor, markerVersion],
  );

  return {
    ctx,
    dispatch,
    store,
    version,
    markers,
    markerVersion,
    markerCoverage,
    previousCommandFrame: neighbours.previous,
    nextCommandFrame: neighbours.next,
    seekByTime,
  };
}
