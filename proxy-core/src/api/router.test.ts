import { describe, expect, it } from 'vitest';
import { safeReturn } from './auth-routes';
import { parseCookies, serializeCookie } from './auth-sessions';
import { Router } from './router';

describe('Router', () => {
  const route = (method: 'GET' | 'POST', path: string, tag: string) => ({ method, path, roles: [], handle: () => tag });

  it('matches path parameters (URL-decoded), HEAD as GET, and tells 404 from 405', () => {
    const r = new Router();
    r.add(route('GET', '/api/sessions/:id/frames', 'frames'));
    r.add(route('POST', '/api/sessions/:id/notes', 'notes'));
    expect(r.match('GET', '/api/sessions/a%2Fb/frames')).toMatchObject({ kind: 'found', params: { id: 'a/b' } });
    expect(r.match('HEAD', '/api/sessions/x/frames')).toMatchObject({ kind: 'found' });
    expect(r.match('GET', '/api/sessions/x/notes')).toEqual({ kind: 'method-not-allowed', allow: ['POST'] });
    expect(r.match('GET', '/api/sessions/x')).toEqual({ kind: 'not-found' });
    expect(r.match('GET', '/api/sessions/%E0%A4%A/frames')).toEqual({ kind: 'not-found' });
  });

  it('replaces a route registered again with the same method and path', () => {
    const r = new Router();
    r.add(route('POST', '/api/evidence', 'placeholder'));
    r.add(route('POST', '/api/evidence', 'real'));
    const m = r.match('POST', '/api/evidence');
    expect(m.kind === 'found' && m.route.handle({} as never)).toBe('real');
    expect(r.list()).toHaveLength(1);
  });
});

describe('cookies and return paths', () => {
  it('parses a Cookie header, first of duplicate names winning', () => {
    expect(parseCookies('a=1; vigil_session=abc; a=2; junk; =x')).toEqual(
      new Map([
        ['a', '1'],
        ['vigil_session', 'abc'],
      ]),
    );
    expect(parseCookies(undefined).size).toBe(0);
  });

  it('always writes HttpOnly, and Secure when asked', () => {
    expect(serializeCookie('s', 'v', { sameSite: 'Strict', secure: true, maxAge: 60.7 })).toBe(
      's=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure',
    );
  });

  it('keeps sign-in return paths on this site', () => {
    expect(safeReturn('/sessions/1?frame=2#x')).toBe('/sessions/1?frame=2#x');
    for (const bad of [null, '', 'https://evil', '//evil', '/\\evil', '/a\nb', 'sessions'])
      expect(safeReturn(bad)).toBe('/');
  });
});
