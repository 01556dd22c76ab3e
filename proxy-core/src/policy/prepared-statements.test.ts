import { beforeAll, describe, expect, it } from 'vitest';
import { agent, demoPolicy, judge } from './corpus/demo-policy';
import { decide } from './policy-engine';
import { createPreparedStatements, type PreparedStatements } from './prepared-statements';
import { sqlActions } from './sql-actions';
import { classifySql, initSqlClassifier } from './sql-classifier';

beforeAll(async () => {
  await initSqlClassifier();
});

const decideResolved = (sql: string, registry: PreparedStatements) => {
  const c = registry.resolve(classifySql(sql));
  return { c, d: decide(demoPolicy, { principal: agent }, sqlActions(c), c) };
};

/** A simple Query sent and completed by the server with these tags. */
function queried(registry: PreparedStatements, sql: string, ...tags: string[]): void {
  registry.queried(classifySql(sql));
  registry.syncPoint();
  for (const tag of tags) registry.answered(tag === 'ERROR' ? 'error' : { tag });
  registry.answered('ready');
}

/** A Parse sent in a batch of its own, and what the server answered. */
function parsed(registry: PreparedStatements, name: string, sql: string, ok = true): void {
  registry.parsed(name, classifySql(sql), sql);
  registry.syncPoint();
  registry.answered(ok ? 'parse-complete' : 'error');
  registry.answered('ready');
}

const kindOf = (registry: PreparedStatements, name: string) => registry.classifyPrepared(name)?.statements[0]?.kind;

describe('PreparedStatements', () => {
  it('judges EXECUTE as the statement it runs, every time', () => {
    const registry = createPreparedStatements();
    const prepare = judge('PREPARE wipe AS DELETE FROM orders WHERE id = $1');
    expect(prepare.d).toMatchObject({ outcome: 'review', rule: { name: 'agents-default#2' } });
    queried(registry, 'PREPARE wipe AS DELETE FROM orders WHERE id = $1', 'PREPARE');
    const exec = decideResolved('EXECUTE wipe(1)', registry);
    expect(exec.c.statements[0]).toMatchObject({ kind: 'delete', tables: ['orders'] });
    expect(exec.d).toMatchObject({ outcome: 'review', rule: { name: 'agents-default#2' } });
    expect(decideResolved('EXPLAIN ANALYZE EXECUTE wipe(2)', registry).d.outcome).toBe('review');
  });

  it('keeps functions called in EXECUTE parameters', () => {
    const registry = createPreparedStatements();
    queried(registry, 'PREPARE q AS SELECT $1::text', 'PREPARE');
    const { d } = decideResolved("EXECUTE q(pg_read_file('/etc/passwd'))", registry);
    expect(d.outcome).toBe('deny');
    expect(d.reason).toMatch(/pg_read_file/);
  });

  it('denies EXECUTE of a statement it does not know (unparsed, fail closed)', () => {
    const { d } = decideResolved('EXECUTE nope', createPreparedStatements());
    expect(d).toMatchObject({ outcome: 'deny', rule: { name: 'agents-default#4' } });
  });

  it('forgets on DEALLOCATE, DEALLOCATE ALL and DISCARD ALL, and shares names with protocol Parse', () => {
    const registry = createPreparedStatements();
    parsed(registry, 's1', 'SELECT 1');
    queried(registry, 'PREPARE a AS SELECT 1; PREPARE b AS SELECT 2', 'PREPARE', 'PREPARE');
    expect(registry.size).toBe(3);
    queried(registry, 'DEALLOCATE a', 'DEALLOCATE');
    expect(registry.classifyPrepared('a')).toBeUndefined();
    expect(kindOf(registry, 'b')).toBe('select');
    queried(registry, 'DISCARD ALL', 'DISCARD ALL');
    expect(registry.size).toBe(0);
    parsed(registry, '', 'DELETE FROM t');
    queried(registry, 'DEALLOCATE ALL', 'DEALLOCATE ALL');
    expect(registry.size).toBe(0);
    expect(registry.awaiting).toBe(false);
  });

  it('keeps the statement the server kept when a PREPARE or a Parse of the same name fails (42P05)', () => {
    const registry = createPreparedStatements();
    queried(registry, 'PREPARE x AS DELETE FROM orders', 'PREPARE');
    queried(registry, 'PREPARE x AS SELECT 1', 'ERROR');
    expect(kindOf(registry, 'x')).toBe('delete');
    expect(decideResolved('EXECUTE x', registry).d.outcome).toBe('review');
    parsed(registry, 'y', 'DELETE FROM orders');
    parsed(registry, 'y', 'SELECT 1', false);
    expect(kindOf(registry, 'y')).toBe('delete');
  });

  it('keeps a statement whose Close or DEALLOCATE the server skipped after an error', () => {
    const registry = createPreparedStatements();
    parsed(registry, 'x', 'DELETE FROM orders');
    // Bind (fails), Close x (skipped), Sync
    registry.closed('x');
    registry.syncPoint();
    registry.answered('error');
    registry.answered('ready');
    expect(kindOf(registry, 'x')).toBe('delete');
    queried(registry, 'SELECT 1/0; DEALLOCATE x', 'ERROR');
    expect(kindOf(registry, 'x')).toBe('delete');
    // A Close of a portal is answered with CloseComplete too, and changes nothing.
    registry.closed(undefined);
    registry.closed('x');
    registry.syncPoint();
    registry.answered('close-complete');
    registry.answered('close-complete');
    registry.answered('ready');
    expect(registry.classifyPrepared('x')).toBeUndefined();
  });

  it('judges a name the server has not answered for as what it will be, and as unparsed when it may be either', () => {
    const registry = createPreparedStatements();
    registry.parsed('s', classifySql('SELECT 1'), 'SELECT 1');
    registry.syncPoint();
    expect(kindOf(registry, 's')).toBe('select'); // pipelined: Parse, Sync, then Bind before any answer
    registry.answered('parse-complete');
    registry.answered('ready');
    registry.parsed('s', classifySql('SELECT 1'), 'SELECT 1');
    expect(kindOf(registry, 's')).toBe('select'); // the same text again: one statement either way
    registry.parsed('s', classifySql('DELETE FROM orders'), 'DELETE FROM orders');
    const either = registry.classifyPrepared('s');
    expect(either?.unparsed).toBe(true);
    expect(either?.statements[0]?.unparsed).toMatch(/prepared statement s: it was defined again before the server/);
    expect(decideResolved('EXECUTE s', registry).d.outcome).toBe('deny');
  });

  it('judges a statement it had to forget (over maxEntries) as unparsed, never by the text a client sent', () => {
    const registry = createPreparedStatements({ maxEntries: 2 });
    parsed(registry, 'a', 'DELETE FROM orders');
    parsed(registry, 'b', 'SELECT 1');
    parsed(registry, 'c', 'SELECT 2');
    expect(registry.mayExist('a')).toBe(true);
    expect(registry.classifyPrepared('a')?.statements[0]?.unparsed).toMatch(/over 2 statements were prepared/);
    expect(kindOf(registry, 'c')).toBe('select');
  });

  it('gives up knowing, fail closed, when the answers do not match what was sent', () => {
    const registry = createPreparedStatements();
    registry.parsed('a', classifySql('SELECT 1'), 'SELECT 1');
    registry.answered('close-complete');
    expect(registry.classifyPrepared('a')?.statements[0]?.unparsed).toMatch(/answered close-complete where/);
  });
});
