// The replayer as an explicit STATE/EVENT table with a pure transition() (STYLE.md §7, after
// asciinema-player's src/driver/recording.js). The React driver (use-replay.ts) owns the clock and the frame
// cache; it only dispatches events and reads the context back. Events a state does not list are ignored.

export const STATE = {
  /** Waiting for the session's metadata (frame count, live or not). */
  Loading: 'loading',
  Paused: 'paused',
  Playing: 'playing',
  /** Playing, but the next frames are not in the cache yet. */
  Buffering: 'buffering',
  /** At the last frame of a finished recording. */
  Ended: 'ended',
  /** Live session: the cursor stays on the newest frame as frames arrive. */
  Following: 'following',
} as const;

export type ReplayState = (typeof STATE)[keyof typeof STATE];

export const SPEEDS = [0.5, 1, 2, 4, 8] as const;

export type ReplayEvent =
  | { type: 'LOADED'; total: number; live: boolean; frame: number | null }
  | { type: 'PLAY' }
  | { type: 'PAUSE' }
  | { type: 'TOGGLE' }
  /** The playback clock moved the cursor forward to `to`. */
  | { type: 'TICK'; to: number }
  | { type: 'STARVED' }
  | { type: 'FED' }
  | { type: 'STEP'; delta: number }
  | { type: 'SEEK'; frame: number }
  | { type: 'FOLLOW' }
  /** More frames exist now (live frames arrived, or a page told a larger total). */
  | { type: 'APPENDED'; total: number }
  | { type: 'SESSION_ENDED' }
  | { type: 'SET_SPEED'; speed: number }
  | { type: 'SET_SKIP_IDLE'; skipIdle: boolean };

export type ReplayEventType = ReplayEvent['type'];

export interface ReplayContext {
  state: ReplayState;
  /** The last frame applied to the view; -1 when the recording has no frames. */
  cursor: number;
  total: number;
  speed: number;
  skipIdle: boolean;
  live: boolean;
}

type Handler<E extends ReplayEventType> = (
  ctx: ReplayContext,
  event: Extract<ReplayEvent, { type: E }>,
) => ReplayContext;
type Handlers = { [E in ReplayEventType]?: Handler<E> };

export function initialReplayContext(): ReplayContext {
  return { state: STATE.Loading, cursor: -1, total: 0, speed: 1, skipIdle: true, live: false };
}

const last = (ctx: ReplayContext) => ctx.total - 1;
const clamp = (ctx: ReplayContext, frame: number) => Math.max(ctx.total > 0 ? 0 : -1, Math.min(last(ctx), frame));

// Where the cursor lands when playback reaches the newest frame.
function atEnd(ctx: ReplayContext): ReplayContext {
  return { ...ctx, cursor: last(ctx), state: ctx.live ? STATE.Following : STATE.Ended };
}

function paused(ctx: ReplayContext, frame: number): ReplayContext {
  return { ...ctx, state: STATE.Paused, cursor: clamp(ctx, frame) };
}

function play(ctx: ReplayContext): ReplayContext {
  if (ctx.total === 0) return ctx;
  if (ctx.cursor >= last(ctx)) return ctx.live ? atEnd(ctx) : { ...ctx, state: STATE.Playing, cursor: 0 };
  return { ...ctx, state: STATE.Playing };
}

function seekWhilePlaying(ctx: ReplayContext, frame: number): ReplayContext {
  const cursor = clamp(ctx, frame);
  return cursor >= last(ctx) ? atEnd(ctx) : { ...ctx, state: STATE.Playing, cursor };
}

function follow(ctx: ReplayContext): ReplayContext {
  return ctx.live ? { ...ctx, state: STATE.Following, cursor: last(ctx) } : ctx;
}

const grow = (ctx: ReplayContext, total: number): ReplayContext => ({ ...ctx, total: Math.max(ctx.total, total) });

// Handlers every state shares unless it overrides them.
const COMMON: Handlers = {
  SET_SPEED: (ctx, e) => ({ ...ctx, speed: e.speed }),
  SET_SKIP_IDLE: (ctx, e) => ({ ...ctx, skipIdle: e.skipIdle }),
  APPENDED: (ctx, e) => grow(ctx, e.total),
  SESSION_ENDED: (ctx) => ({ ...ctx, live: false }),
  STEP: (ctx, e) => paused(ctx, ctx.cursor + e.delta),
  FOLLOW: follow,
};

export const TRANSITIONS: Record<ReplayState, Handlers> = {
  [STATE.Loading]: {
    SET_SPEED: COMMON.SET_SPEED,
    SET_SKIP_IDLE: COMMON.SET_SKIP_IDLE,
    LOADED: (ctx, e) => {
      const loaded = { ...ctx, total: e.total, live: e.live };
      if (e.frame === null) return e.live ? atEnd(loaded) : paused(loaded, 0);
      return paused(loaded, e.frame);
    },
  },
  [STATE.Paused]: {
    ...COMMON,
    PLAY: play,
    TOGGLE: play,
    SEEK: (ctx, e) => paused(ctx, e.frame),
  },
  [STATE.Playing]: {
    ...COMMON,
    PAUSE: (ctx) => ({ ...ctx, state: STATE.Paused }),
    TOGGLE: (ctx) => ({ ...ctx, state: STATE.Paused }),
    TICK: (ctx, e) => seekWhilePlaying(ctx, e.to),
    STARVED: (ctx) => ({ ...ctx, state: STATE.Buffering }),
    SEEK: (ctx, e) => seekWhilePlaying(ctx, e.frame),
  },
  [STATE.Buffering]: {
    ...COMMON,
    PAUSE: (ctx) => ({ ...ctx, state: STATE.Paused }),
    TOGGLE: (ctx) => ({ ...ctx, state: STATE.Paused }),
    FED: (ctx) => ({ ...ctx, state: STATE.Playing }),
    SEEK: (ctx, e) => seekWhilePlaying(ctx, e.frame),
  },
  [STATE.Ended]: {
    ...COMMON,
    PLAY: play,
    TOGGLE: play,
    SEEK: (ctx, e) => (clamp(ctx, e.frame) >= last(ctx) ? ctx : paused(ctx, e.frame)),
    // A recording that was thought finished got more frames (a late page): it is simply paused again.
    APPENDED: (ctx, e) => (e.total > ctx.total ? { ...grow(ctx, e.total), state: STATE.Paused } : ctx),
  },
  [STATE.Following]: {
    ...COMMON,
    PAUSE: (ctx) => ({ ...ctx, state: STATE.Paused }),
    TOGGLE: (ctx) => ({ ...ctx, state: STATE.Paused }),
    SEEK: (ctx, e) => (clamp(ctx, e.frame) >= last(ctx) ? ctx : paused(ctx, e.frame)),
    APPENDED: (ctx, e) => {
      const grown = grow(ctx, e.total);
      return { ...grown, cursor: last(grown) };
    },
    SESSION_ENDED: (ctx) => ({ ...ctx, live: false, state: STATE.Ended }),
  },
};

/** The whole replayer: (context, event) → context. Pure; unknown events for a state return ctx unchanged. */
export function transition(ctx: ReplayContext, event: ReplayEvent): ReplayContext {
  const handler = TRANSITIONS[ctx.state][event.type] as Handler<typeof event.type> | undefined;
  return handler ? handler(ctx, event as never) : ctx;
}

export const isRunning = (state: ReplayState) => state === STATE.Playing || state === STATE.Buffering;
