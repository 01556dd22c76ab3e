import { describe, expect, it } from 'vitest';
import { headerValue, parseHttpMessage, requestLine, startsRequest, startsResponse, statusOf } from './http-message';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseHttpMessage', () => {
  it('splits start line, headers and body', () => {
    const m = parseHttpMessage(
      bytes('POST /v1/items HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n\r\n{"a":1}'),
    );
    expect(m.startLine).toBe('POST /v1/items HTTP/1.1');
    expect(m.headers).toEqual([
      ['Host', 'api'],
      ['Content-Type', 'application/json'],
    ]);
    expect(new TextDecoder().decode(m.body)).toBe('{"a":1}');
    expect(m.complete).toBe(true);
    expect(headerValue(m.headers, 'content-type')).toBe('application/json');
  });

  it('keeps repeated headers and values with colons', () => {
    const m = parseHttpMessage(bytes('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-At: 12:30\r\n\r\n'));
    expect(m.headers).toEqual([
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['X-At', '12:30'],
    ]);
    expect(m.body).toHaveLength(0);
  });

  it('says when the head is cut short (a frame shown only in part)', () => {
    const m = parseHttpMessage(bytes('GET / HTTP/1.1\r\nHost: a'));
    expect(m.complete).toBe(false);
    expect(m.headers).toEqual([['Host', 'a']]);
  });
});

describe('start lines', () => {
  it('reads request and status lines', () => {
    expect(requestLine('DELETE /iam/users/7 HTTP/1.1')).toEqual({ method: 'DELETE', target: '/iam/users/7' });
    expect(requestLine('{"not":"a request"}')).toBeNull();
    expect(statusOf('HTTP/1.1 404 Not Found')).toBe(404);
    expect(statusOf('HTTP/1.0 200')).toBe(200);
    expect(statusOf('200 OK')).toBeNull();
  });

  it('tells a new message from the continuation of a streamed body', () => {
    expect(startsRequest(bytes('GET /c/x HTTP/1.1\r\n'))).toBe(true);
    expect(startsRequest(bytes('more body bytes'))).toBe(false);
    expect(startsResponse(bytes('HTTP/1.1 200 OK\r\n'))).toBe(true);
    expect(startsResponse(bytes('{"next":"chunk"}'))).toBe(false);
  });
});
