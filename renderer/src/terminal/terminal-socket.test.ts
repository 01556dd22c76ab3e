import { describe, expect, it } from 'vitest';
import { describeEnding, inputChunks, parseTerminalEvent, terminalUrl } from './terminal-socket';

describe('terminalUrl', () => {
  it('opens the socket on the page’s own host, wss behind https', () => {
    expect(terminalUrl({ protocol: 'http:', host: '127.0.0.1:7480' }, 'build host', { cols: 120, rows: 40 })).toBe(
      'ws://127.0.0.1:7480/api/terminal?connection=build+host&cols=120&rows=40',
    );
    expect(terminalUrl({ protocol: 'https:', host: 'vigil.example.com' }, 'b', { cols: 80, rows: 24 })).toMatch(
      /^wss:\/\/vigil\.example\.com\/api\/terminal\?/,
    );
  });
});

describe('parseTerminalEvent', () => {
  it('reads ready, exit and error', () => {
    expect(parseTerminalEvent('{"type":"ready","connection":"b","sessionId":"S1"}')).toEqual({
      type: 'ready',
      connection: 'b',
      sessionId: 'S1',
    });
    expect(parseTerminalEvent('{"type":"exit","code":0,"signal":null}')).toEqual({
      type: 'exit',
      code: 0,
      signal: null,
    });
    expect(parseTerminalEvent('{"type":"error","message":"no"}')).toEqual({ type: 'error', message: 'no' });
  });

  it('ignores what it does not know', () => {
    expect(parseTerminalEvent('nope')).toBeNull();
    expect(parseTerminalEvent('{"type":"other"}')).toBeNull();
    expect(parseTerminalEvent('42')).toBeNull();
  });
});

describe('inputChunks', () => {
  it('splits a large paste into pieces the server accepts', () => {
    const paste = new Uint8Array(150_000);
    expect(inputChunks(paste).map((c) => c.length)).toEqual([65_536, 65_536, 18_928]);
    expect(inputChunks(new Uint8Array([0x61]))).toHaveLength(1);
  });
});

describe('describeEnding', () => {
  const seen = { ready: true, exit: null, error: null };
  it('shows the gateway’s refusal as is', () => {
    const error = 'the SSH gateway refused your sign-in for b';
    expect(describeEnding({ ...seen, ready: false, error }, { code: 1000, reason: 'refused' })).toEqual({
      text: error,
      tone: 'error',
    });
  });

  it('tells a normal exit from a failing one', () => {
    const exit = (code: number | null, signal: string | null = null) => ({ type: 'exit' as const, code, signal });
    expect(describeEnding({ ...seen, exit: exit(0) }, { code: 1000, reason: '' }).tone).toBe('info');
    expect(describeEnding({ ...seen, exit: exit(255) }, { code: 1000, reason: '' })).toEqual({
      text: 'The shell ended with exit status 255.',
      tone: 'error',
    });
    expect(describeEnding({ ...seen, exit: exit(null, 'KILL') }, { code: 1000, reason: '' }).text).toMatch(/KILL/);
  });

  it('explains a refused handshake, a sign-out and a lost connection', () => {
    expect(describeEnding({ ...seen, ready: false }, { code: 1006, reason: '' }).text).toMatch(/admin role/);
    expect(describeEnding(seen, { code: 4401, reason: 'token expired' }).text).toBe(
      'The terminal was closed: token expired.',
    );
    expect(describeEnding(seen, { code: 1006, reason: '' }).text).toBe('The connection to the gateway was lost.');
  });
});
