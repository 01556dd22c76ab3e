import { beforeAll, describe, expect, it } from 'vitest';
import { agent, demoPolicy, judge } from './corpus/demo-policy';
import { decide } from './policy-engine';
import { createPreparedStatements } from './prepared-statements';
import { sqlActions } from './sql-actions';
import { classifySql, initSqlClassifier } from './sql-classifier';

beforeAll(async () => {
  await initSqlClassifier();
});

const decideResolved = (sql: string, registry: ReturnType<typeof createPreparedStatements>) => {
  const c = registry.resolve(classifySql(sql));
  return { c, d: decide(demoPolicy, { principal: agent }, sqlActions(c), c) };
};

describe('PreparedStatements', () => {
  it('judges EXECUTE as the statement it runs, every time', () => {
    const registry = createPreparedStatements();
    const prepare = judge('PREPARE wipe AS DELETE FROM orders WHERE id = $1');
    expect(prepare.d).toMatchObject({ outcome: 'review', rule: { name: 'agents-default#2' } });
    registry.record(prepare.c);
    const exec = decideResolved('EXECUTE wipe(1)', registry);
    expect(exec.c.statements[0]).toMatchObject({ kind: 'delete', tables: ['orders'] });
    expect(exec.d).toMatchObject({ outcome: 'review', rule: { name: 'agents-default#2' } });
    expect(decideResolved('EXPLAIN ANALYZE EXECUTE wipe(2)', registry).d.outcome).toBe('review');
  });

  it('keeps functions called in EXECUTE parameters', () => {
    const registry = createPreparedStatements();
    registry.record(classifySql('PREPARE q AS SELECT $1::text'));
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
    registry.set('s1', classifySql('SELECT 1'));
    registry.record(classifySql('PREPARE a AS SELECT 1; PREPARE b AS SELECT 2'));
    expect(registry.size).toBe(3);
    registry.record(classifySql('DEALLOCATE a'));
    expect(registry.classifyPrepared('a')).toBeUndefined();
    expect(registry.classifyPrepared('b')?.statements[0]?.kind).toBe('select');
    registry.record(classifySql('DISCARD ALL'));
    expect(registry.size).toBe(0);
    registry.set('', classifySql('DELETE FROM t'));
    registry.record(classifySql('DEALLOCATE ALL'));
    expect(registry.size).toBe(0);
  });
});
