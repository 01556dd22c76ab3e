import { describe, expect, it } from 'vitest';
import type { BytesFrame, Frame } from '../api/api.types';
import { planTerminalUpdate, rebuildStart, terminalOp } from './terminal-replay';

const bytes = (direction: 'client' | 'server', channel: number, hex: string): BytesFrame => ({
  n: 0,
  tUs: 0,
  kind: 'bytes',
  direction,
  channel,
  size: hex.length / 2,
  hex,
});

describe('terminalOp', () => {
  it('writes what the server sent on stdout and stderr', () => {
    expect(terminalOp(bytes('server', 0, '6869'))).toEqual({ kind: 'write', data: new Uint8Array([0x68, 0x69]) });
    expect(terminalOp(bytes('server', 1, '21'))).toMatchObject({ kind: 'write' });
    expect(terminalOp(bytes('server', 2, '0a'))).toMatchObject({ kind: 'write' });
  });

  it('writes the whole bytes when the frame carries them (a packet opened in the browser)', () => {
    const data = new Uint8Array(5000).fill(0x78);
    const frame: Frame = { ...bytes('server', 0, '7878'), size: data.length, data };
    expect(terminalOp(frame)).toEqual({ kind: 'write', data });
  });

  it('does not write keystrokes or other channels', () => {
    expect(terminalOp(bytes('client', 0, '6c73'))).toBeNull();
    expect(terminalOp(bytes('server', 3, '00'))).toBeNull(); // SFTP packets
  });

  it('honours resize frames', () => {
    expect(terminalOp({ n: 1, tUs: 0, kind: 'resize', cols: 120, rows: 40 })).toEqual({
      kind: 'resize',
      cols: 120,
      rows: 40,
    });
  });
});

describe('planTerminalUpdate', () => {
  it('appends when moving forward a little', () => {
    expect(planTerminalUpdate(-1, 10, 100)).toEqual({ kind: 'append', from: 0, to: 10 });
    expect(planTerminalUpdate(10, 11, 100)).toEqual({ kind: 'append', from: 11, to: 11 });
    expect(planTerminalUpdate(10, 10, 100)).toEqual({ kind: 'none' });
  });

  it('rebuilds from the start when moving back in a short recording', () => {
    expect(planTerminalUpdate(50, 20, 100)).toEqual({ kind: 'rebuild', from: 0, to: 20 });
  });

  it('rebuilds from a window before the cursor in a long recording', () => {
    expect(rebuildStart(900_000, 1_000_000)).toBe(895_000);
    expect(planTerminalUpdate(10, 900_000, 1_000_000)).toEqual({ kind: 'rebuild', from: 895_000, to: 900_000 });
    expect(rebuildStart(100, 1_000_000)).toBe(0);
  });
});
