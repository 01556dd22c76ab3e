import { beforeAll, describe, expect, it } from 'vitest';
import { createClassificationCache, initSqlClassifier } from '../policy';
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
    const interpreter = createSqlInterpreter({ classifier: createClassificationCache(), builtinFunctions: undefined });
    const run = (text: string, frame: number) => {
      const found = interpreter.interpret({ text, via: 'query', frame });
      interpreter.ran?.({ text, via: 'query', frame });
      return found;
    };
    run('PREPARE q AS SELECT * FROM users', 1);
    expect(run('EXECUTE q', 2).kinds).toEqual(['select']);
    run('DEALLOCATE q', 3);
    run('PREPARE q AS DELETE FROM users', 4);
    expect(run('EXECUTE q', 5).kinds).toEqual(['delete']);
  });
});
