import { describe, expect, it } from 'vitest';
import { LineEditor } from './line-editor';

function typed(...chunks: string[]) {
  const e = new LineEditor();
  for (const c of chunks) e.feed(c);
  return e.enter();
}

describe('LineEditor', () => {
  it('follows typing and simple editing', () => {
    expect(typed('echo hi')).toEqual({ line: 'echo hi', uncertain: undefined, afterCursor: 0 });
    expect(typed('rm -rf /\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7fls')).toMatchObject({ line: 'ls' });
    expect(typed('rm -rf /\x15echo ok')).toMatchObject({ line: 'echo ok' });
    expect(typed('echo one two\x17three')).toMatchObject({ line: 'echo one three' });
    expect(typed('echo b\x01x\x05!')).toMatchObject({ line: 'xecho b!' });
    expect(typed('ab\x02\x02X')).toMatchObject({ line: 'Xab', afterCursor: 2 });
    expect(typed('abc\x1b[D\x1b[D\x0b')).toMatchObject({ line: 'a' });
    expect(typed('abc\x1b[H\x1b[3~')).toMatchObject({ line: 'bc' });
    expect(typed('héllo wörld')).toMatchObject({ line: 'héllo wörld' });
  });

  it('drops the line on Ctrl-C', () => {
    expect(typed('rm -rf /\x03ls')).toMatchObject({ line: 'ls', uncertain: undefined });
  });

  it('follows escape sequences split across chunks', () => {
    expect(typed('ab\x1b', '[D', 'X')).toMatchObject({ line: 'aXb' });
  });

  it('marks lines it cannot know as uncertain', () => {
    expect(typed('ech\t x').uncertain).toBe('Tab completion');
    expect(typed('\x1b[A').uncertain).toBe('history recall (arrow keys)');
    expect(typed('\x12rm').uncertain).toBe('history search (Ctrl-R)');
    expect(typed('\x1b[200~rm -rf /\x1b[201~').uncertain).toBe('a bracketed paste');
    expect(typed('ls\x1bb').uncertain).toMatch(/Alt- key/);
    expect(typed('ls\x19').uncertain).toBe('yank (Ctrl-Y)');
    expect(typed('ls\x1b').uncertain).toBe('an unfinished key sequence');
  });

  it('starts each line afresh', () => {
    const e = new LineEditor();
    e.feed('ech\t');
    expect(e.enter().uncertain).toBeDefined();
    e.feed('ls');
    expect(e.enter()).toEqual({ line: 'ls', uncertain: undefined, afterCursor: 0 });
  });
});
