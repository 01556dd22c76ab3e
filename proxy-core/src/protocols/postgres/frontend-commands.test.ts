import { describe, expect, it } from 'vitest';
import { serializeQuery, serializeSync } from './codec';
import { frameOf, framesOf } from './codec/testing/frames';
import { bind, close, execute, parse } from './codec/testing/frontend-messages';
import {
  bindsAhead,
  coverRuns,
  type ExtendedState,
  frontendCommand,
  judgedForBatch,
  reviewWhenRun,
} from './frontend-commands';

const fresh = (): ExtendedState => ({ statements: new Map(), skipUntilSync: false });
const run = (state: ExtendedState, ...messages: Uint8Array[]) =>
  messages.map((m) => frontendCommand(frameOf(m), state));

describe('frontendCommand: which messages are commands', () => {
  it('a Query and a Parse are; a Bind in the batch of its Parse is not (the Parse was judged)', () => {
    const s = fresh();
    const [q, p, b, e, sy] = run(
      s,
      serializeQuery('SELECT 1'),
      parse('s1', 'DELETE FROM t'),
      bind('', 's1'),
      execute(),
      serializeSync(),
    );
    expect(q).toEqual({ text: 'SELECT 1', via: 'query' });
    expect(p).toEqual({ text: 'DELETE FROM t', via: 'parse', name: 's1' });
    expect([b, e, sy]).toEqual([{}, {}, {}]);
  });

  it('a Bind in a later batch is judged again (a run starts there); its Executes, paged or not, are not', () => {
    const s = fresh();
    run(s, parse('s1', 'DELETE FROM t WHERE id = $1'), serializeSync());
    const [b, e1, e2] = run(s, bind('c1', 's1', ['7']), execute('c1', 10), execute('c1', 10));
    expect(b).toEqual({ text: 'DELETE FROM t WHERE id = $1', via: 'bind', name: 's1' });
    expect([e1, e2]).toEqual([{}, {}]);
  });

  it('a Parse held for review when it runs leaves its Bind in the same batch to be judged', () => {
    const s = fresh();
    run(s, parse('', 'DELETE FROM t'));
    reviewWhenRun(s, '');
    expect(run(s, bind('', ''))).toEqual([{ text: 'DELETE FROM t', via: 'bind', name: '' }]);
  });

  it('a Bind allowed or approved covers the other runs of its statement in the batch, not those after the Sync', () => {
    const s = fresh();
    run(s, parse('ins', 'INSERT INTO t VALUES ($1)'), serializeSync());
    expect(run(s, bind('', 'ins', ['1']))).toEqual([{ text: 'INSERT INTO t VALUES ($1)', via: 'bind', name: 'ins' }]);
    judgedForBatch(s, 'ins');
    expect(run(s, execute(), bind('', 'ins', ['2']), execute(), serializeSync())).toEqual([{}, {}, {}, {}]);
    expect(run(s, bind('', 'ins', ['3']))).toEqual([{ text: 'INSERT INTO t VALUES ($1)', via: 'bind', name: 'ins' }]);
  });

  it('an approval covers exactly the runs it showed: the next Binds of its statement in the batch, no more', () => {
    const s = fresh();
    run(s, parse('ins', 'INSERT INTO t VALUES ($1)'), serializeSync());
    const judged = { text: 'INSERT INTO t VALUES ($1)', via: 'bind', name: 'ins' };
    expect(run(s, bind('', 'ins', ['1']))).toEqual([judged]);
    coverRuns(s, 'ins', 2); // the approval showed this run and the next two
    expect(run(s, execute(), bind('', 'ins', ['2']), execute(), bind('', 'ins', ['3']))).toEqual([{}, {}, {}, {}]);
    expect(run(s, bind('', 'ins', ['4']))).toEqual([judged]); // sent after the approval was asked: asked again
    coverRuns(s, 'ins', 5);
    run(s, serializeSync());
    expect(run(s, bind('', 'ins', ['5']))).toEqual([judged]); // not beyond the Sync
  });

  it('bindsAhead: the Binds of a statement behind a held one, up to the Sync or a redefinition', () => {
    const ahead = (...messages: Uint8Array[]) =>
      bindsAhead(framesOf(Buffer.concat(messages)), 'ins').map((f) => Buffer.from(f.bytes));
    const [b2, b3, other] = [bind('', 'ins', ['2']), bind('', 'ins', ['3']), bind('', 'x', ['9'])];
    expect(ahead(execute(), b2, execute(), other, execute(), b3, execute(), serializeSync(), bind('', 'ins'))).toEqual([
      Buffer.from(b2),
      Buffer.from(b3),
    ]);
    expect(ahead(b2, parse('ins', 'DELETE FROM t'), b3)).toEqual([Buffer.from(b2)]);
    expect(ahead(b2, close('S', 'ins'), b3)).toEqual([Buffer.from(b2)]);
    expect(ahead(b2, close('S', 'x'), b3)).toEqual([Buffer.from(b2), Buffer.from(b3)]);
  });

  it('an approval at a Parse covers the runs it showed, not the whole batch as an allowed Parse does', () => {
    const s = fresh();
    run(s, parse('ins', 'INSERT INTO t VALUES ($1)'));
    coverRuns(s, 'ins', 1);
    expect(run(s, bind('', 'ins', ['1']), execute(), bind('', 'ins', ['2']))).toEqual([
      {},
      {},
      { text: 'INSERT INTO t VALUES ($1)', via: 'bind', name: 'ins' },
    ]);
  });

  it('a Bind of a statement it never saw parsed (an SQL PREPARE) is judged as the EXECUTE that runs it', () => {
    const s = fresh();
    expect(run(s, bind('', 'gone'), bind('', 'we"ird'))).toEqual([
      { text: 'EXECUTE "gone"', via: 'bind', name: 'gone' },
      { text: 'EXECUTE "we""ird"', via: 'bind', name: 'we"ird' },
    ]);
  });

  it('a closed statement is forgotten', () => {
    const s = fresh();
    run(s, parse('s1', 'SELECT 1'), serializeSync(), close('S', 's1'));
    expect(run(s, bind('', 's1'))).toEqual([{ text: 'EXECUTE "s1"', via: 'bind', name: 's1' }]);
  });

  it('SQL that may drop or replace prepared statements makes their texts unknown', () => {
    const s = fresh();
    run(s, parse('s1', 'SELECT 1'), serializeSync());
    run(s, serializeQuery('SELECT 2'));
    expect(run(s, bind('', 's1'))).toEqual([{ text: 'SELECT 1', via: 'bind', name: 's1' }]);
    run(s, serializeQuery('DEALLOCATE s1; PREPARE s1 AS DELETE FROM t'));
    expect(run(s, bind('', 's1'))).toEqual([{ text: 'EXECUTE "s1"', via: 'bind', name: 's1' }]);
  });

  it('after a refused message, everything up to the Sync is dropped', () => {
    const s = fresh();
    s.skipUntilSync = true;
    expect(run(s, parse('x', 'SELECT 1'), bind('', 'x'), serializeSync(), serializeQuery('SELECT 2'))).toEqual([
      { skip: true },
      { skip: true },
      {},
      { text: 'SELECT 2', via: 'query' },
    ]);
  });
});
