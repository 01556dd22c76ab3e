import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS } from '../sessions/session-filters';
import { isOfflineRoute, packetSessionHref, parseHash, type Route, routeHref, sessionHref } from './routes';

describe('routes', () => {
  it('opens the sessions list by default', () => {
    expect(parseHash('')).toEqual({ view: 'sessions', filters: EMPTY_FILTERS });
    expect(parseHash('#/nowhere')).toEqual({ view: 'sessions', filters: EMPTY_FILTERS });
  });

  it('deep-links a frame of a session', () => {
    expect(parseHash('#/sessions/s%2F1?frame=42')).toEqual({ view: 'session', id: 's/1', frame: 42 });
    expect(parseHash('#/sessions/abc?frame=-3')).toEqual({ view: 'session', id: 'abc', frame: null });
    expect(sessionHref('s/1', 42)).toBe('#/sessions/s%2F1?frame=42');
    expect(sessionHref('abc')).toBe('#/sessions/abc');
  });

  it('keeps the live list on live sessions', () => {
    expect(parseHash('#/live?principal=a')).toEqual({
      view: 'live',
      filters: { ...EMPTY_FILTERS, principal: 'a', status: 'live' },
    });
    expect(routeHref({ view: 'live', filters: { ...EMPTY_FILTERS, principal: 'a', status: 'live' } })).toBe(
      '#/live?principal=a',
    );
  });

  it('round-trips every view', () => {
    const routes: Route[] = [
      { view: 'sessions', filters: { ...EMPTY_FILTERS, q: 'drop', status: 'ended' } },
      { view: 'session', id: 'abc', frame: 7 },
      { view: 'approvals', tab: 'pending' },
      { view: 'approvals', tab: 'history' },
      { view: 'workbench', connection: 'orders-db' },
      { view: 'audit', filters: { type: 'approval.decided', since: '', limit: '500' } },
      { view: 'packet' },
      { view: 'packet-session', id: 'ses/1', frame: 12 },
      { view: 'packet-session', id: 'abc', frame: null },
    ];
    for (const route of routes) expect(parseHash(routeHref(route))).toEqual(route);
  });

  it('opens an evidence packet and its sessions without the gateway', () => {
    expect(parseHash('#/packet')).toEqual({ view: 'packet' });
    expect(parseHash('#/packet/sessions')).toEqual({ view: 'packet' });
    expect(parseHash('#/packet/sessions/s%2F1?frame=3')).toEqual({ view: 'packet-session', id: 's/1', frame: 3 });
    expect(packetSessionHref('s/1', 3)).toBe('#/packet/sessions/s%2F1?frame=3');
    expect(isOfflineRoute(parseHash('#/packet/sessions/x'))).toBe(true);
    expect(isOfflineRoute(parseHash('#/sessions/x'))).toBe(false);
  });
});
