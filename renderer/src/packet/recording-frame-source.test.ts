import { byteSourceFromBytes, openRecording } from '@vigil/recordings';
import { describe, expect, it } from 'vitest';
import { buildConsole, type ConsoleStatement } from '../console/console-model';
import { FrameStore } from '../replay/frame-store';
import { terminalOp } from '../terminal/terminal-replay';
import { HEX_BYTES } from './recorded-frame-view';
import { recordingFrameSource } from './recording-frame-source';
import { pgRecording, terminalRecording } from './testing/packet-recordings';

describe('recordingFrameSource', () => {
  it('reads a window of a .vrec as the API shapes frames: hex, decoded messages, annotations', async () => {
    const { recording } = await pgRecording();
    const source = recordingFrameSource(recording, 'postgres');
    const page = await source.frames(0, 4);
    expect(page).toMatchObject({ total: 9, from: 0, next: 4 });
    expect(page.frames.map((f) => f.n)).toEqual([0, 1, 2, 3]);
    const [start, auth, query, command] = page.frames;
    expect(start).toMatchObject({ kind: 'bytes', direction: 'client', channel: 0, tUs: 0 });
    expect(start?.kind === 'bytes' && start.messages?.[0]?.type).toBe('StartupMessage');
    expect(auth?.kind === 'bytes' && auth.messages?.map((m) => m.type)).toEqual(['AuthenticationOk', 'ReadyForQuery']);
    expect(query).toMatchObject({
      kind: 'bytes',
      size: 33,
      hex: expect.stringMatching(/^5100000020/),
      messages: [{ type: 'Query', offset: 0, length: 33, fields: { sql: 'select email from customers' } }],
    });
    expect(query?.kind === 'bytes' && query.hex.length).toBe(66);
    expect(command).toMatchObject({
      kind: 'annotation',
      value: { type: 'command', frame: 2, decision: 'allow', actions: ['mask'] },
    });
    const rest = await source.frames(4, 100);
    expect(rest).toMatchObject({ total: 9, from: 4, next: null });
    expect(rest.frames.map((f) => f.n)).toEqual([4, 5, 6, 7, 8]);
    await expect(source.frames(9, 10)).resolves.toEqual({ total: 9, from: 9, next: null, frames: [] });
  });

  it('feeds the same console as the server: the statement, its decision, rows and masked cells', async () => {
    const { recording } = await pgRecording();
    const source = recordingFrameSource(recording, 'postgres');
    const store = new FrameStore((from, limit, signal) => source.frames(from, limit, { signal }), recording.frameCount);
    store.ensure(0, 8);
    await expect.poll(() => store.ensure(0, 8)).toBe(true);
    const [statement] = buildConsole(store.cache.range(0, 8)).filter(
      (item): item is ConsoleStatement => item.kind === 'statement',
    );
    expect(statement).toMatchObject({
      sql: 'select email from customers',
      status: 'done',
      command: { decision: 'allow', rule: 'reads' },
    });
    expect(statement?.results[0]?.rows).toEqual([['a***@example.com'], ['g***@example.org']]);
    expect([...(statement?.results[0]?.masks.keys() ?? [])]).toEqual(['0:0', '1:0']);
  });

  it('lists annotation frames only, resuming where it stopped', async () => {
    const { recording } = await pgRecording();
    const source = recordingFrameSource(recording, 'postgres');
    const first = await source.frames(0, 2, { kind: 'annotation' });
    expect(first.frames.map((f) => f.n)).toEqual([3, 5]);
    expect(first.next).toBe(6);
    const second = await source.frames(first.next ?? 0, 10, { kind: 'annotation' });
    expect(second.frames.map((f) => [f.n, f.kind])).toEqual([
      [6, 'annotation'],
      [8, 'annotation'],
    ]);
    expect(second.next).toBeNull();
  });

  it('rejects with the reason when a chunk was altered', async () => {
    const { bytes, recording } = await pgRecording();
    const chunk = recording.chunks[1];
    if (!chunk) throw new Error('fixture has no second chunk');
    const altered = bytes.slice();
    const at = chunk.offset + chunk.length - 3;
    altered[at] = (altered[at] ?? 0) ^ 0x01;
    const source = recordingFrameSource(await openRecording(byteSourceFromBytes(altered)), 'postgres');
    await expect(source.frames(0, 4)).resolves.toMatchObject({ next: 4 });
    await expect(source.frames(4, 4)).rejects.toThrow(/chunk 1 .*hash mismatch/);
  });

  it('keeps the whole output of a long terminal frame for xterm', async () => {
    const output = `${'x'.repeat(HEX_BYTES + 100)}\r\n`;
    const { recording } = await terminalRecording(output);
    const page = await recordingFrameSource(recording, 'ssh').frames(0, 10);
    const long = page.frames[3];
    expect(long).toMatchObject({ kind: 'bytes', direction: 'server', size: output.length });
    expect(long?.kind === 'bytes' && long.hex.length).toBe(HEX_BYTES * 2);
    const op = long ? terminalOp(long) : null;
    // Compared by length and ends: a failure must not print 4 KiB of x.
    const written = op?.kind === 'write' ? new TextDecoder().decode(op.data) : '';
    expect([written.length, written.endsWith('x\r\n')]).toEqual([output.length, true]);
    expect(page.frames[0]).toEqual({ n: 0, tUs: 0, kind: 'resize', cols: 100, rows: 30 });
  });
});
