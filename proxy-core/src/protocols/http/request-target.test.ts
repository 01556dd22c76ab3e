import { describe, expect, it } from 'vitest';
import type { HttpConnection } from './http-listener.types';
import { findProxyConnection, parseRequestTarget, upstreamTarget } from './request-target';

const conn = (name: string, url: string): HttpConnection => ({ name, upstream: { url } });

describe('parseRequestTarget', () => {
  it('reads /c/NAME/… keeping the raw path and query', () => {
    expect(parseRequestTarget('/c/billing/v2/a%2Fb?x=1&y=%20#frag')).toEqual({
      mode: 'path',
      connection: 'billing',
      pathAndQuery: '/v2/a%2Fb?x=1&y=%20',
    });
    expect(parseRequestTarget('/c/billing')).toMatchObject({ pathAndQuery: '/' });
    expect(parseRequestTarget('/c/billing?x=1')).toMatchObject({ pathAndQuery: '/?x=1' });
  });

  it('reads absolute-form targets (proxy mode)', () => {
    expect(parseRequestTarget('http://API.example:8080/a?b')).toEqual({
      mode: 'proxy',
      hostname: 'api.example',
      port: '8080',
      pathAndQuery: '/a?b',
    });
    expect(parseRequestTarget('http://api.example')).toMatchObject({ port: '', pathAndQuery: '/' });
  });

  it('refuses dot segments, credentials in URLs and other targets', () => {
    for (const bad of ['/c/a/x/../y', '/c/a/%2e%2E/y', '/c/a/./y', 'http://h/a/%2e/b']) {
      expect(() => parseRequestTarget(bad), bad).toThrow('"." or ".." segments');
    }
    expect(() => parseRequestTarget('http://u:p@h/')).toThrow('credentials');
    expect(() => parseRequestTarget('/other')).toThrow('/c/CONNECTION');
    expect(() => parseRequestTarget('*')).toThrow('must be a path');
    expect(() => parseRequestTarget('/c/-bad/')).toThrow('no connection name');
  });
});

describe('upstreamTarget / findProxyConnection', () => {
  it('joins the base path for path addressing, not for proxy requests', () => {
    const c = conn('a', 'https://api.example/v1/');
    expect(upstreamTarget(c, '/users?x=1')).toMatchObject({
      protocol: 'https:',
      port: 443,
      host: 'api.example',
      path: '/v1/users?x=1',
      url: 'https://api.example/v1/users?x=1',
      base: 'https://api.example/v1',
    });
    expect(upstreamTarget(c, '/users', false).path).toBe('/users');
  });

  it('matches by host, an explicit port must match, several need Vigil-Connection', () => {
    const all = [
      conn('a', 'https://api.example'),
      conn('b', 'http://other.example:8080'),
      conn('c', 'http://other.example:8080/v2'),
    ];
    const target = (hostname: string, port = '') => ({ mode: 'proxy' as const, hostname, port, pathAndQuery: '/' });
    expect(findProxyConnection(target('api.example'), all, undefined).name).toBe('a');
    expect(() => findProxyConnection(target('api.example', '80'), all, undefined)).toThrow('not an API connection');
    expect(() => findProxyConnection(target('other.example', '8080'), all, undefined)).toThrow('Vigil-Connection');
    expect(findProxyConnection(target('other.example'), all, 'c').name).toBe('c');
  });
});
