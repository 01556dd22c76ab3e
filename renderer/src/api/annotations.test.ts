import { describe, expect, it } from 'vitest';
import { normalizeFrame, toAnnotation, toDecision } from './annotations';

describe('toAnnotation', () => {
  it('keeps a well-formed command annotation, its extra fields included', () => {
    const value = {
      type: 'command',
      frame: 7,
      text: 'select 1',
      decision: 'allow',
      rule: 'reads',
      reason: 'read-only',
      statements: [{ kind: 'select', tables: ['orders'] }],
      requestId: 'apr_1',
      actions: ['notify'],
      detector: 'future-field',
    };
    expect(toAnnotation(value, 8)).toEqual(value);
  });

  it('fills what an older or newer gateway left out, with the right types', () => {
    expect(toAnnotation({ type: 'command', text: 42, rule: '', reason: null, statements: 'select' }, 9)).toEqual({
      type: 'command',
      frame: 9,
      text: '42',
      decision: 'review',
      rule: null,
      reason: '',
      statements: [],
      actions: [],
    });
    const odd = toAnnotation(
      { type: 'command', frame: -1, statements: [null, { kind: 'insert' }, { tables: ['a', 1] }], actions: [1, 'x'] },
      3,
    );
    expect(odd).toMatchObject({
      frame: 3,
      statements: [
        { kind: 'insert', tables: [] },
        { kind: '?', tables: ['a'] },
      ],
      actions: ['x'],
    });
  });

  it('reads every refusal the gateway has written as deny', () => {
    expect(['deny', 'denied', 'expired'].map(toDecision)).toEqual(['deny', 'deny', 'deny']);
    expect(toDecision('allowed')).toBe('allow');
    expect(toDecision('something new')).toBe('review');
  });

  it('gives a mask without its place nothing to mark', () => {
    expect(toAnnotation({ type: 'mask', frame: 4 }, 5)).toEqual({
      type: 'mask',
      frame: 4,
      message: -1,
      row: -1,
      column: -1,
      rule: 'unknown rule',
      style: '',
    });
  });

  it('passes unknown types through and survives values that are not objects', () => {
    expect(toAnnotation({ type: 'transfer', path: '/etc/hosts' }, 1)).toEqual({ type: 'transfer', path: '/etc/hosts' });
    expect(toAnnotation(null, 1)).toEqual({ type: 'invalid', value: null });
    expect(toAnnotation(['x'], 1)).toMatchObject({ type: 'invalid' });
    expect(toAnnotation({ type: 5 }, 1)).toEqual({ type: 'invalid' });
  });

  it('completes notes, approvals and session events', () => {
    expect(toAnnotation({ type: 'note' }, 0)).toEqual({ type: 'note', author: 'unknown', text: '' });
    expect(toAnnotation({ type: 'approval.decided', requestId: 'r' }, 0)).toEqual({
      type: 'approval.decided',
      requestId: 'r',
      decision: 'unknown',
      approver: 'unknown',
      reason: '',
    });
    expect(toAnnotation({ type: 'session.start', principal: 'a' }, 0)).toMatchObject({ connection: '?' });
  });
});

describe('normalizeFrame', () => {
  it('touches annotation frames only', () => {
    const bytes = { n: 0, tUs: 0, kind: 'bytes', direction: 'client', channel: 0, size: 0, hex: '' } as const;
    expect(normalizeFrame(bytes)).toBe(bytes);
    const frame = normalizeFrame({ n: 2, tUs: 0, kind: 'annotation', value: { type: 'note' } as never });
    expect(frame).toMatchObject({ value: { author: 'unknown' } });
  });
});
