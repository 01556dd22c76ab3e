import { describe, expect, it } from 'vitest';
import type { Annotation, Frame } from '../api/api.types';
import { bucketMarkers, MarkerIndex, markerOf, nextCommand, previousCommand } from './timeline-markers';

const annotation = (n: number, value: Annotation): Frame => ({ n, tUs: n, kind: 'annotation', value });
const command = (n: number, frame: number, decision: 'allow' | 'deny' | 'review'): Frame =>
  annotation(n, { type: 'command', frame, text: `q${frame}`, statements: [], decision, rule: null, reason: '' });

describe('markerOf', () => {
  it('puts commands on the command lane and denials on their own, landing on the command frame', () => {
    expect(markerOf(command(5, 4, 'allow'))).toEqual({ n: 5, target: 4, kind: 'command', label: 'q4' });
    expect(markerOf(command(5, 4, 'review'))?.kind).toBe('command');
    expect(markerOf(command(5, 4, 'deny'))?.kind).toBe('denial');
  });

  it('marks approvals, masks and notes, and nothing else', () => {
    const decided = annotation(1, {
      type: 'approval.decided',
      requestId: 'r',
      decision: 'approve',
      approver: 'bob',
      reason: 'ok',
    });
    expect(markerOf(decided)).toMatchObject({ kind: 'approval', label: 'approve by bob: ok' });
    const mask = annotation(2, { type: 'mask', frame: 1, message: 0, row: 0, column: 1, rule: 'ssn', style: 'redact' });
    expect(markerOf(mask)).toMatchObject({ kind: 'mask', label: 'Masked by ssn' });
    expect(markerOf(annotation(3, { type: 'note', author: 'al', text: 'hi' }))).toMatchObject({ kind: 'note' });
    expect(markerOf(annotation(4, { type: 'session.end', reason: 'x' }))).toBeNull();
    expect(markerOf({ n: 5, tUs: 0, kind: 'resize', cols: 1, rows: 1 })).toBeNull();
  });
});

describe('MarkerIndex', () => {
  it('keeps markers sorted and unique as pages arrive in any order', () => {
    const index = new MarkerIndex();
    expect(index.add([command(30, 29, 'allow'), command(31, 29, 'deny')])).toBe(true);
    expect(index.add([command(10, 9, 'allow')])).toBe(true);
    expect(index.add([command(10, 9, 'allow')])).toBe(false);
    expect(index.markers.map((m) => m.n)).toEqual([10, 30, 31]);
    expect(index.commands).toEqual([9, 29, 29]);
  });
});

describe('previous / next command', () => {
  const commands = [3, 10, 10, 20];
  it('finds the neighbours of the cursor', () => {
    expect(nextCommand(commands, 0)).toBe(3);
    expect(nextCommand(commands, 3)).toBe(10);
    expect(nextCommand(commands, 20)).toBeNull();
    expect(previousCommand(commands, 20)).toBe(10);
    expect(previousCommand(commands, 11)).toBe(10);
    expect(previousCommand(commands, 3)).toBeNull();
    expect(nextCommand([], 0)).toBeNull();
  });
});

describe('bucketMarkers', () => {
  it('groups markers of a lane into columns', () => {
    const index = new MarkerIndex();
    index.add([command(0, 0, 'allow'), command(1, 1, 'allow'), command(99, 99, 'allow'), command(50, 50, 'deny')]);
    const buckets = bucketMarkers(index.markers, 100, 10);
    expect(buckets.map((b) => [b.kind, b.count, b.first.n])).toEqual([
      ['command', 2, 0],
      ['denial', 1, 50],
      ['command', 1, 99],
    ]);
    expect(buckets[2]?.at).toBe(1);
    expect(bucketMarkers(index.markers, 0, 10)).toEqual([]);
  });
});
