import { describe, expect, it } from 'vitest';
import { castFromRecording } from './asciicast';
import { TERMINAL_OUTPUT, terminalRecording } from './testing/terminal-recording';

async function castLines(): Promise<string[]> {
  const { recording } = await terminalRecording();
  let text = '';
  for await (const part of castFromRecording(recording)) text += part;
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n');
}

describe('castFromRecording (asciicast v2)', () => {
  it('starts with a v2 header: version, size from the recording, start time, TERM', async () => {
    const [header] = await castLines();
    expect(JSON.parse(header as string)).toEqual({
      version: 2,
      width: 100,
      height: 30,
      timestamp: Date.parse('2025-01-02T03:04:05.000Z') / 1000,
      title: 'Vigil session ses_term',
      env: { TERM: 'xterm-256color' },
    });
  });

  it('has one [time, code, data] event per line, times never decreasing', async () => {
    const events = (await castLines()).slice(1).map((l) => JSON.parse(l) as [number, string, string]);
    let last = 0;
    for (const e of events) {
      expect(e).toHaveLength(3);
      expect(typeof e[0]).toBe('number');
      expect(['o', 'i', 'r', 'm']).toContain(e[1]);
      expect(typeof e[2]).toBe('string');
      expect(e[0]).toBeGreaterThanOrEqual(last);
      last = e[0];
    }
    // Output of stdout and stderr, with the split "é" whole again, is what the terminal showed.
    expect(
      events
        .filter((e) => e[1] === 'o')
        .map((e) => e[2])
        .join(''),
    ).toBe(TERMINAL_OUTPUT);
    expect(events.filter((e) => e[1] === 'i').map((e) => e[2])).toEqual(['l', 's\r', 'rm -rf /\r', 'exit\r']);
    expect(events.filter((e) => e[1] === 'r')).toEqual([
      [0, 'r', '100x30'],
      [0.8, 'r', '120x40'],
    ]);
    expect(events.filter((e) => e[1] === 'm').map((e) => e[2])).toEqual([
      'ALLOW statement (frame 3, rule shell#3): ls',
      'APPROVAL REQUESTED apr_1 (rule shell#1): rm -rf /',
      'APPROVAL REFUSED apr_1 by alice: no',
    ]);
  });
});
