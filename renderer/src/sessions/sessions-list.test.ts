import { describe, expect, it } from 'vitest';
import type { Session } from '../api/api.types';
import { EMPTY_FILTERS, filtersFromParams, filtersToParams, sessionMatches, sessionQuery } from './session-filters';
import { applySessionEvent } from './sessions-list';

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

  it('leaves the list alone for other messages', () => {
    expect(applySessionEvent(listed, { type: 'frames', sessionId: 'a', frames: [] }, EMPTY_FILTERS)).toBe(listed);
  });
});
