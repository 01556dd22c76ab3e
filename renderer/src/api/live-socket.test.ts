import { describe, expect, it } from 'vitest';
import { backoffDelay, LiveSocket, liveUrl, parseLiveMessage, type SocketLike } from './live-socket';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;

  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({});
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const live = new LiveSocket('ws://x/api/live', {
    create: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    random: () => 0,
  });
  return { live, sockets, timers };
}

describe('backoffDelay', () => {
  it('grows exponentially from 250 ms and caps at 15 s', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(1, () => 0)).toBe(500);
    expect(backoffDelay(3, () => 0.999)).toBeLessThan(4000);
    expect(backoffDelay(20, () => 0)).toBe(7500);
    expect(backoffDelay(20, () => 1)).toBe(15_000);
  });
});

describe('parseLiveMessage', () => {
  it('accepts known message types and drops the rest', () => {
    expect(parseLiveMessage('{"type":"frames","sessionId":"s","frames":[]}')).toEqual({
      type: 'frames',
      sessionId: 's',
      frames: [],
    });
    expect(parseLiveMessage('{"type":"hello"}')).toBeNull();
    expect(parseLiveMessage('not json')).toBeNull();
    expect(parseLiveMessage(42)).toBeNull();
  });

  it('normalizes the annotations of live frames', () => {
    const message = parseLiveMessage(
      JSON.stringify({
        type: 'frames',
        sessionId: 's',
        frames: [{ n: 4, tUs: 1, kind: 'annotation', value: { type: 'command', frame: 3, text: 'select 1' } }],
      }),
    );
    expect(message).toMatchObject({
      type: 'frames',
      frames: [{ n: 4, value: { type: 'command', frame: 3, statements: [], actions: [], decision: 'review' } }],
    });
  });
});

describe('liveUrl', () => {
  it('uses wss behind https', () => {
    expect(liveUrl({ protocol: 'https:', host: 'vigil.example' })).toBe('wss://vigil.example/api/live');
    expect(liveUrl({ protocol: 'http:', host: '127.0.0.1:7480' })).toBe('ws://127.0.0.1:7480/api/live');
  });
});

describe('LiveSocket', () => {
  it('sends watch once per session and unwatch when the last watcher leaves', () => {
    const { live, sockets } = harness();
    live.start();
    sockets[0]?.open();
    const a = live.watch('s1');
    const b = live.watch('s1');
    a();
    a();
    expect(sockets[0]?.sent).toEqual(['{"type":"watch","sessionId":"s1"}']);
    b();
    expect(sockets[0]?.sent.at(-1)).toBe('{"type":"unwatch","sessionId":"s1"}');
  });

  it('reconnects with backoff and re-sends watches', () => {
    const { live, sockets, timers } = harness();
    const statuses: string[] = [];
    live.onStatus((status) => statuses.push(status));
    live.start();
    live.watch('s1');
    sockets[0]?.drop();
    expect(timers[0]?.ms).toBe(250);
    timers[0]?.fn();
    sockets[1]?.drop();
    expect(timers[1]?.ms).toBe(500);
    timers[1]?.fn();
    sockets[2]?.open();
    expect(sockets[2]?.sent).toEqual(['{"type":"watch","sessionId":"s1"}']);
    expect(statuses).toEqual(['connecting', 'closed', 'connecting', 'closed', 'connecting', 'open']);
    sockets[2]?.drop();
    expect(timers[2]?.ms).toBe(250);
  });

  it('delivers parsed messages and stops for good on stop()', () => {
    const { live, sockets, timers } = harness();
    const received: string[] = [];
    live.onMessage((message) => received.push(message.type));
    live.start();
    sockets[0]?.open();
    sockets[0]?.onmessage?.({ data: '{"type":"session.started","session":{}}' });
    sockets[0]?.onmessage?.({ data: '{"type":"nope"}' });
    live.stop();
    expect(received).toEqual(['session.started']);
    expect(sockets[0]?.closed).toBe(true);
    expect(timers).toHaveLength(0);
  });
});
