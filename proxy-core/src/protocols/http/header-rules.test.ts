import { describe, expect, it } from 'vitest';
import { forwardRequestHeaders, forwardResponseHeaders, recordedRequestHead } from './header-rules';

describe('header rules', () => {
  it('drops hop-by-hop fields, those named in Connection, the agent token and what Vigil sets', () => {
    const out = forwardRequestHeaders(
      {
        connection: 'keep-alive, X-Trace',
        'x-trace': '1',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Bearer t',
        authorization: 'Bearer t',
        host: 'gateway',
        'content-length': '3',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        expect: '100-continue',
        'vigil-connection': 'a',
        'x-api-key': 'agent',
        cookie: 'a=1',
        accept: 'application/json',
      },
      new Set(['x-api-key']),
    );
    expect(out).toEqual({ cookie: 'a=1', accept: 'application/json' });
  });

  it('keeps repeated response fields apart and drops hop-by-hop ones', () => {
    expect(
      forwardResponseHeaders(
        [
          'Set-Cookie',
          'a=1',
          'Set-Cookie',
          'b=2',
          'Connection',
          'close, X-Up',
          'X-Up',
          '1',
          'Content-Type',
          'text/plain',
        ],
        new Set(),
      ),
    ).toEqual({ 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain' });
  });

  it('records the request head with credentials redacted', () => {
    const head = recordedRequestHead(
      {
        method: 'GET',
        url: '/c/a/x',
        httpVersion: '1.1',
        rawHeaders: ['Authorization', 'Bearer tok', 'X-Api-Key', 'k', 'Accept', '*/*'],
      },
      new Set(['x-api-key']),
    );
    expect(head).toBe(
      'GET /c/a/x HTTP/1.1\r\nAuthorization: [redacted]\r\nX-Api-Key: [redacted]\r\nAccept: */*\r\n\r\n',
    );
  });
});
