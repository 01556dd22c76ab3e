import { describe, expect, it } from 'vitest';
import type { Frame } from '../api/api.types';
import { buildExchanges, exchangeAt, partBytes, pathOf } from './http-exchanges';

const bytesToHex = (data: Uint8Array) => Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');

// Frames as the HTTP connector records them (proxy-core/src/protocols/http/README.md).
let n = 0;
const at = () => ({ n: n++, tUs: n * 1000 });
const bytes = (direction: 'client' | 'server', channel: number, text: string): Frame => {
  const data = new TextEncoder().encode(text);
  return { ...at(), kind: 'bytes', direction, channel, size: data.length, hex: bytesToHex(data) };
};
const note = (value: Record<string, unknown>): Frame => ({ ...at(), kind: 'annotation', value }) as unknown as Frame;

function session(): Frame[] {
  n = 0;
  return [
    note({ type: 'session.start', principal: 'agent-1', connection: 'billing' }),
    bytes('client', 0, 'GET /c/billing/v2/invoices?x=1 HTTP/1.1\r\nauthorization: [redacted]\r\n\r\n'), // 1
    note({ type: 'command', frame: 1, text: 'GET /v2/invoices', decision: 'allow', rule: 'p#1' }),
    bytes('server', 1, 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{"email":"[redacted]"}'), // 3
    note({ type: 'mask', exchange: 1, frame: 3, part: 'response.body', spans: [{ rule: 'email', start: 9, end: 21 }] }),
    note({
      type: 'http.exchange',
      exchange: 1,
      method: 'GET',
      url: 'http://127.0.0.1:9/v2/invoices?x=1',
      status: 200,
      requestBytes: 0,
      responseBytes: 22,
      durationMs: 4,
      requestFrame: 1,
      responseFrame: 3,
      decision: 'allow',
      masked: 1,
    }),
    bytes('client', 0, 'DELETE /c/billing/iam/users/7 HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc'), // 6
    note({ type: 'command', frame: 6, text: 'DELETE /iam/users/7', decision: 'review', rule: 'p#2', requestId: 'R1' }),
    bytes('client', 0, 'def'), // 8: more of the streamed body
    note({ type: 'approval.decided', requestId: 'R1', decision: 'approve', approver: 'dan', reason: '' }),
    bytes('server', 1, 'HTTP/1.1 204 No Content\r\n\r\n'), // 10
    bytes('server', 1, 'trailing'), // 11: more of the response
  ];
}

describe('buildExchanges', () => {
  it('pairs requests with responses, decisions, masks and summaries', () => {
    const [get, del] = buildExchanges(session());
    expect(get).toMatchObject({
      id: 1,
      method: 'GET',
      url: 'http://127.0.0.1:9/v2/invoices?x=1',
      status: 200,
      responseBytes: 22,
      durationMs: 4,
      decision: 'allow',
      rule: 'p#1',
      masked: 1,
      done: true,
      masks: [{ rule: 'email', start: 9, end: 21 }],
    });
    expect(get?.response?.frame).toBe(3);
    expect(del).toMatchObject({ id: 6, method: 'DELETE', url: '/c/billing/iam/users/7', decision: 'approved' });
    expect(del?.done).toBe(false);
    expect(new TextDecoder().decode(partBytes(del?.request ?? { frame: 0, chunks: [], size: 0, shown: 0 }))).toMatch(
      /abcdef$/,
    );
    expect(del?.response?.size).toBe('HTTP/1.1 204 No Content\r\n\r\n'.length + 'trailing'.length);
  });

  it('shows an exchange as far as the frames go (a live session, or the cursor mid-exchange)', () => {
    const [get] = buildExchanges(session().slice(0, 3));
    expect(get).toMatchObject({ method: 'GET', url: '/c/billing/v2/invoices?x=1', status: null, decision: 'allow' });
    expect(get?.response).toBeNull();
  });

  it('tells how much of a large frame the API sent', () => {
    n = 0;
    const frame = bytes('client', 0, 'POST /c/x/upload HTTP/1.1\r\n\r\n');
    const [x] = buildExchanges([{ ...frame, size: 10_000 } as Frame]);
    expect(x?.request.size).toBe(10_000);
    expect(x?.request.shown).toBeLessThan(10_000);
  });
});

describe('exchangeAt / pathOf', () => {
  it('picks the last exchange started at or before the cursor', () => {
    const xs = buildExchanges(session());
    expect(exchangeAt(xs, 0)).toBeNull();
    expect(exchangeAt(xs, 5)?.id).toBe(1);
    expect(exchangeAt(xs, 6)?.id).toBe(6);
  });

  it('shows the path and query of a full URL', () => {
    expect(pathOf('https://api.example.com/v1/a?b=1')).toBe('/v1/a?b=1');
    expect(pathOf('/c/x/y')).toBe('/c/x/y');
  });
});
