import { beforeAll, describe, expect, it } from 'vitest';
import { createClassificationCache, createPreparedStatements, initSqlClassifier } from '../policy';
import { createSqlInterpreter } from './sql-interpreter';

beforeAll(() => initSqlClassifier());

describe('SQL interpreter', () => {
  it('gives repetitions of a statement one interpretation, so the gate decides an allowed shape once', () => {
    const interpreter = createSqlInterpreter({
      classifier: createClassificationCache(),
      builtinFunctions: new Set(['now', 'lower']),
    });
    const check = (text: string, frame: number) => interpreter.interpret({ text, via: 'query', frame });
    const first = check('SELECT lower(name), now(), wipe() FROM users WHERE id = 1', 1);
    const again = check('SELECT lower(name), now(), wipe() FROM users WHERE id = 2', 2);
    expect(again).toBe(first);
    expect(again.actions).toBe(first.actions);
    // The user-defined function is flagged; the built-ins are not.
    const functions = first.actions.filter((a) => a.type === 'function');
    expect(functions.map((a) => (a.type === 'function' ? [a.function, a.categories] : []))).toEqual([
      ['lower', []],
      ['now', []],
      ['wipe', ['user_function']],
    ]);
    expect(check('SELECT 1', 3)).not.toBe(first);
  });

  it('interprets EXECUTE by what was prepared, again after PREPARE names another statement', () => {
    const prepared = createPreparedStatements();
    const interpreter = createSqlInterpreter({
      classifier: createClassificationCache(),
      builtinFunctions: undefined,
      prepared,
    });
    /** Runs a Query as the session does: sent, then completed by the server with `tag`. */
    const run = (text: string, frame: number, tag = 'SELECT 1') => {
      const found = interpreter.interpret({ text, via: 'query', frame });
      interpreter.ran?.({ text, via: 'query', frame });
      prepared.syncPoint();
      prepared.answered({ tag });
      prepared.answered('ready');
      return found;
    };
    run('PREPARE q AS SELECT * FROM users', 1, 'PREPARE');
    expect(run('EXECUTE q', 2).kinds).toEqual(['select']);
    run('DEALLOCATE q', 3, 'DEALLOCATE');
    run('PREPARE q AS DELETE FROM users', 4, 'PREPARE');
    expect(run('EXECUTE q', 5, 'DELETE 0').kinds).toEqual(['delete']);
  });

  it('a PREPARE only prepares; a Bind or an EXECUTE of it is a run of what it prepared, by name', () => {
    const interpreter = createSqlInterpreter({ classifier: createClassificationCache(), builtinFunctions: undefined });
    const prepare = interpreter.interpret({
      text: 'PREPARE gone (int) AS DELETE FROM users WHERE id = $1',
      via: 'query',
      frame: 1,
    });
    interpreter.ran?.({ text: 'PREPARE gone (int) AS DELETE FROM users WHERE id = $1', via: 'query', frame: 1 });
    expect(prepare).toMatchObject({ preparesOnly: true, kinds: ['delete'] });
    const bind = interpreter.interpret({ text: 'EXECUTE "gone"', via: 'bind', name: 'gone', frame: 2 });
    expect(bind).toMatchObject({ preparesOnly: false, kinds: ['delete'] });
    expect(bind.actions).toEqual(prepare.actions);
    // Each Bind of it is the same interpretation: the gate decides an allowed one once.
    expect(interpreter.interpret({ text: 'EXECUTE "gone"', via: 'bind', name: 'gone', frame: 6 })).toBe(bind);
    const execute = interpreter.interpret({ text: 'EXECUTE gone(1)', via: 'query', frame: 3 });
    expect(execute).toMatchObject({ preparesOnly: false, kinds: ['delete'] });
    // A Bind names its statement: the text it shows does not change what it runs.
    expect(interpreter.interpret({ text: 'SELECT 1', via: 'bind', name: 'gone', frame: 4 }).kinds).toEqual(['delete']);
    // Not every statement a prepare: a run.
    expect(
      interpreter.interpret({ text: 'PREPARE p AS SELECT 1; SELECT 2', via: 'query', frame: 5 }).preparesOnly,
    ).toBe(false);
  });
});
