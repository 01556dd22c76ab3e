import { describe, expect, it } from 'vitest';
import type { Session } from '../api/api.types';
import { EMPTY_FILTERS, filtersFromParams, filtersToParams, sessionMatches, sessionQuery } from './session-filters';
import { applySessionEvent, laterView, refreshFirstPage } from './sessions-list';

const session = (id: string, extra: Partial<Session> = {}): Session => ({
  id,
  protocol: 'postgres',
  connection: 'orders-db',
  principal: 'agent-1',
  groups: [],
  clientAddr: '127.0.0.1',
  upstream: 'pg',
  startedAt: '2025-01-02T10:00:00Z',
  endedAt: null,
  status: 'live',
  endReason: null,
  bytesIn: 0,
  bytesOut: 0,
  frames: 0,
  commands: 0,
  denials: 0,
  approvals: 0,
  masked: 0,
  finalHash: null,
  ...extra,
});

describe('session filters', () => {
  it('round-trips through the URL, leaving unset filters out', () => {
    const filters = { ...EMPTY_FILTERS, principal: 'agent-1', q: 'drop table' };
    const params = filtersToParams(filters);
    expect(params.toString()).toBe('principal=agent-1&q=drop+table');
    expect(filtersFromParams(params)).toEqual(filters);
  });

  it('builds the API query with ISO times and the cursor', () => {
    const query = sessionQuery({ ...EMPTY_FILTERS, status: 'live', since: '2025-01-02T10:00:00Z' }, 'c2', 100);
    expect(query).toEqual({ limit: 100, status: 'live', since: '2025-01-02T10:00:00.000Z', cursor: 'c2' });
  });

  it('matches live sessions against the filters, never under full-text search', () => {
    expect(sessionMatches(session('a'), EMPTY_FILTERS)).toBe(true);
    expect(sessionMatches(session('a'), { ...EMPTY_FILTERS, connection: 'other' })).toBe(false);
    expect(sessionMatches(session('a'), { ...EMPTY_FILTERS, since: '2025-01-03T00:00:00Z' })).toBe(false);
    expect(sessionMatches(session('a'), { ...EMPTY_FILTERS, q: 'select' })).toBe(false);
  });
});

describe('applySessionEvent', () => {
  const listed = [session('b'), session('a')];

  it('puts a started session that matches on top', () => {
    const next = applySessionEvent(listed, { type: 'session.started', session: session('c') }, EMPTY_FILTERS);
    expect(next.map((s) => s.id)).toEqual(['c', 'b', 'a']);
  });

  it('ignores started sessions that do not match', () => {
    const filters = { ...EMPTY_FILTERS, principal: 'someone-else' };
    expect(applySessionEvent(listed, { type: 'session.started', session: session('c') }, filters)).toBe(listed);
  });

  it('updates a listed session in place', () => {
    const ended = session('a', { status: 'ended', commands: 4 });
    const next = applySessionEvent(listed, { type: 'session.ended', session: ended }, EMPTY_FILTERS);
    expect(next[1]).toBe(ended);
    expect(next).not.toBe(listed);
  });

  it('drops a session that no longer has the filtered status', () => {
    const filters = { ...EMPTY_FILTERS, status: 'live' };
    const next = applySessionEvent(
      listed,
      { type: 'session.ended', session: session('a', { status: 'ended' }) },
      filters,
    );
    expect(next.map((s) => s.id)).toEqual(['b']);
  });

  it('keeps a later view than the event brings (a list answer that overtook an older update)', () => {
    const ended = [session('b'), session('a', { status: 'ended', frames: 9 })];
    const stale = { type: 'session.updated', session: session('a', { frames: 7 }) } as const;
    expect(applySessionEvent(ended, stale, EMPTY_FILTERS)).toBe(ended);
  });

  it('leaves the list alone for other messages', () => {
    expect(applySessionEvent(listed, { type: 'frames', sessionId: 'a', frames: [] }, EMPTY_FILTERS)).toBe(listed);
  });
});

describe('laterView', () => {
  it('prefers a view that is no longer live over a live one, whichever comes second', () => {
    const live = session('a', { frames: 50 });
    const ended = session('a', { status: 'ended', frames: 40 });
    expect(laterView(live, ended)).toBe(ended);
    expect(laterView(ended, live)).toBe(ended);
  });

  it('of two live views keeps the one with more frames, and takes the incoming one on a tie', () => {
    const older = session('a', { frames: 3 });
    const newer = session('a', { frames: 8 });
    expect(laterView(newer, older)).toBe(newer);
    expect(laterView(older, newer)).toBe(newer);
    const stepped = session('a', { frames: 8, stepMode: true });
    expect(laterView(newer, stepped)).toBe(stepped);
  });
});

describe('refreshFirstPage', () => {
  const at = (id: string, minute: number, extra: Partial<Session> = {}) =>
    session(id, { startedAt: `2025-01-02T10:${String(minute).padStart(2, '0')}:00Z`, ...extra });

  it('replaces the first page and keeps the later pages loaded before', () => {
    const listed = [at('d', 40), at('c', 30), at('b', 20), at('a', 10)];
    const page = [at('e', 50), at('d', 40, { status: 'ended' })];
    const next = refreshFirstPage(listed, page, false);
    expect(next.map((s) => s.id)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(next[1]?.status).toBe('ended');
  });

  it('drops a session the fresh page no longer holds within its range (it no longer matches)', () => {
    const listed = [at('c', 30), at('b', 20), at('a', 10)];
    expect(refreshFirstPage(listed, [at('c', 30), at('a', 10)], false).map((s) => s.id)).toEqual(['c', 'a']);
  });

  it('keeps nothing else when the page is the whole result', () => {
    const listed = [at('b', 20), at('a', 10)];
    expect(refreshFirstPage(listed, [at('b', 20)], true).map((s) => s.id)).toEqual(['b']);
    expect(refreshFirstPage(listed, [], false)).toEqual([]);
  });
});
