import { describe, expect, it } from 'vitest';
import {
  initialReplayContext,
  type ReplayContext,
  type ReplayEvent,
  STATE,
  TRANSITIONS,
  transition,
} from './replay-machine';

const run = (ctx: ReplayContext, ...events: ReplayEvent[]) => events.reduce(transition, ctx);
const loaded = (total: number, live = false, frame: number | null = null) =>
  transition(initialReplayContext(), { type: 'LOADED', total, live, frame });

describe('replay transition table', () => {
  it('lists a handler for every state', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual(Object.values(STATE).sort());
  });

  it('ignores events a state does not list', () => {
    const start = initialReplayContext();
    expect(transition(start, { type: 'PLAY' })).toBe(start);
    expect(transition(start, { type: 'TICK', to: 3 })).toBe(start);
    const ctx = loaded(10);
    expect(transition(ctx, { type: 'FED' })).toBe(ctx);
  });

  it('loads a recording paused at the first frame, or at the deep-linked one', () => {
    expect(loaded(10)).toMatchObject({ state: STATE.Paused, cursor: 0, total: 10 });
    expect(loaded(10, false, 7)).toMatchObject({ state: STATE.Paused, cursor: 7 });
    expect(loaded(10, false, 99)).toMatchObject({ cursor: 9 });
    expect(loaded(0)).toMatchObject({ state: STATE.Paused, cursor: -1 });
  });

  it('follows a live session unless a frame was deep-linked', () => {
    expect(loaded(10, true)).toMatchObject({ state: STATE.Following, cursor: 9 });
    expect(loaded(10, true, 3)).toMatchObject({ state: STATE.Paused, cursor: 3 });
  });

  it('plays, ticks forward and ends at the last frame', () => {
    const ctx = run(loaded(10), { type: 'PLAY' }, { type: 'TICK', to: 4 });
    expect(ctx).toMatchObject({ state: STATE.Playing, cursor: 4 });
    expect(transition(ctx, { type: 'TICK', to: 9 })).toMatchObject({ state: STATE.Ended, cursor: 9 });
  });

  it('restarts from the beginning when played at the end', () => {
    const ended = run(loaded(10), { type: 'PLAY' }, { type: 'TICK', to: 9 });
    expect(ended).toMatchObject({ state: STATE.Ended, cursor: 9 });
    expect(transition(ended, { type: 'TOGGLE' })).toMatchObject({ state: STATE.Playing, cursor: 0 });
    const pausedAtEnd = run(loaded(10), { type: 'SEEK', frame: 9 }, { type: 'PLAY' });
    expect(pausedAtEnd).toMatchObject({ state: STATE.Playing, cursor: 0 });
  });

  it('toggles between playing and paused', () => {
    const playing = transition(loaded(10), { type: 'TOGGLE' });
    expect(playing.state).toBe(STATE.Playing);
    expect(transition(playing, { type: 'TOGGLE' }).state).toBe(STATE.Paused);
    expect(transition(playing, { type: 'PAUSE' }).state).toBe(STATE.Paused);
  });

  it('steps one frame and pauses, clamped to the recording', () => {
    const playing = run(loaded(10), { type: 'PLAY' }, { type: 'TICK', to: 5 });
    expect(transition(playing, { type: 'STEP', delta: 1 })).toMatchObject({ state: STATE.Paused, cursor: 6 });
    expect(transition(playing, { type: 'STEP', delta: -1 })).toMatchObject({ state: STATE.Paused, cursor: 4 });
    expect(run(loaded(10), { type: 'STEP', delta: -1 })).toMatchObject({ cursor: 0 });
    expect(run(loaded(10, false, 9), { type: 'STEP', delta: 1 })).toMatchObject({ cursor: 9 });
  });

  it('keeps playing after a seek while playing, and stays paused after a seek while paused', () => {
    const playing = transition(loaded(100), { type: 'PLAY' });
    expect(transition(playing, { type: 'SEEK', frame: 50 })).toMatchObject({ state: STATE.Playing, cursor: 50 });
    expect(transition(loaded(100), { type: 'SEEK', frame: 50 })).toMatchObject({ state: STATE.Paused, cursor: 50 });
    expect(transition(loaded(100), { type: 'SEEK', frame: -5 })).toMatchObject({ cursor: 0 });
  });

  it('buffers when the next frames are missing and resumes when they arrive', () => {
    const buffering = run(loaded(100), { type: 'PLAY' }, { type: 'STARVED' });
    expect(buffering.state).toBe(STATE.Buffering);
    expect(transition(buffering, { type: 'FED' }).state).toBe(STATE.Playing);
    expect(transition(buffering, { type: 'PAUSE' }).state).toBe(STATE.Paused);
    expect(transition(buffering, { type: 'TICK', to: 5 })).toBe(buffering);
  });

  it('moves the cursor with new frames while following, and not while paused', () => {
    const following = loaded(10, true);
    expect(transition(following, { type: 'APPENDED', total: 15 })).toMatchObject({ cursor: 14, total: 15 });
    const paused = transition(following, { type: 'PAUSE' });
    expect(transition(paused, { type: 'APPENDED', total: 15 })).toMatchObject({ cursor: 9, total: 15 });
    expect(transition(paused, { type: 'APPENDED', total: 5 })).toMatchObject({ total: 10 });
  });

  it('leaves follow mode on step or seek, and returns with FOLLOW', () => {
    const following = loaded(10, true);
    const stepped = transition(following, { type: 'STEP', delta: -1 });
    expect(stepped).toMatchObject({ state: STATE.Paused, cursor: 8 });
    expect(transition(following, { type: 'SEEK', frame: 2 })).toMatchObject({ state: STATE.Paused, cursor: 2 });
    const back = run(stepped, { type: 'APPENDED', total: 12 }, { type: 'FOLLOW' });
    expect(back).toMatchObject({ state: STATE.Following, cursor: 11 });
  });

  it('catches up with a live session and then follows it', () => {
    const playing = run(loaded(10, true, 0), { type: 'PLAY' });
    expect(transition(playing, { type: 'TICK', to: 9 })).toMatchObject({ state: STATE.Following, cursor: 9 });
    const atEnd = run(loaded(10, true, 9), { type: 'PLAY' });
    expect(atEnd.state).toBe(STATE.Following);
  });

  it('ends when the followed session ends; FOLLOW is ignored for recordings', () => {
    const ended = transition(loaded(10, true), { type: 'SESSION_ENDED' });
    expect(ended).toMatchObject({ state: STATE.Ended, live: false });
    const recording = loaded(10);
    expect(transition(recording, { type: 'FOLLOW' })).toBe(recording);
  });

  it('changes speed and idle skipping in any loaded state', () => {
    const ctx = run(
      loaded(10),
      { type: 'PLAY' },
      { type: 'SET_SPEED', speed: 4 },
      { type: 'SET_SKIP_IDLE', skipIdle: false },
    );
    expect(ctx).toMatchObject({ state: STATE.Playing, speed: 4, skipIdle: false });
  });
});
