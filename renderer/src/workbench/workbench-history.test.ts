import { describe, expect, it } from 'vitest';
import { addToHistory, HISTORY_LIMIT, type HistoryEntry, loadHistory, sqlToRun } from './workbench-history';

const entry = (sql: string, connection = 'orders-db'): HistoryEntry => ({ sql, connection, at: '', outcome: 'ok' });

describe('workbench history', () => {
  it('puts the latest run first and moves a repeated one up', () => {
    const history = [entry('b'), entry('a')].reduce(addToHistory, [] as HistoryEntry[]);
    expect(addToHistory(history, entry('b')).map((h) => h.sql)).toEqual(['b', 'a']);
    expect(addToHistory(history, entry('b', 'other')).map((h) => h.sql)).toEqual(['b', 'a', 'b']);
  });

  it('keeps at most HISTORY_LIMIT entries', () => {
    let history: HistoryEntry[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i += 1) history = addToHistory(history, entry(`select ${i}`));
    expect(history).toHaveLength(HISTORY_LIMIT);
  });

  it('survives corrupt storage', () => {
    expect(loadHistory({ getItem: () => 'not json' })).toEqual([]);
    expect(loadHistory({ getItem: () => '[{"sql":"select 1"},{"x":1}]' })).toEqual([{ sql: 'select 1' }]);
    expect(loadHistory(undefined)).toEqual([]);
  });

  it('runs the selection, or everything', () => {
    expect(sqlToRun('select 1;\nselect 2;', 'select 2;')).toBe('select 2;');
    expect(sqlToRun(' select 1 ', '   ')).toBe('select 1');
    expect(sqlToRun('select 1', null)).toBe('select 1');
  });
});
