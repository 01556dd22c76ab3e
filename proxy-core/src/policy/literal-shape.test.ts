import { describe, expect, it } from 'vitest';
import { numericShape } from './literal-shape';

describe('numericShape', () => {
  it.each([
    [
      'SELECT abalance FROM pgbench_accounts WHERE aid = 48213;',
      'SELECT abalance FROM pgbench_accounts WHERE aid = 0;',
    ],
    ['SELECT * FROM t1 WHERE x > 1.5e3 LIMIT 10', 'SELECT * FROM t1 WHERE x > 0 LIMIT 0'],
    ['SELECT .5, 0x1F, 1_000', 'SELECT 0, 0, 0'],
    ['SELECT \'no 42 here\', "col 7" FROM t WHERE id = 7', 'SELECT \'no 42 here\', "col 7" FROM t WHERE id = 0'],
    ['SELECT 1 -- 2\n, 3 /* 4 /* 5 */ */', 'SELECT 0 -- 2\n, 0 /* 4 /* 5 */ */'],
    ['SELECT $1 + 2', 'SELECT $1 + 0'],
    ["SELECT 'it''s 9'", "SELECT 'it''s 9'"],
  ])('%s', (sql, shape) => {
    expect(numericShape(sql)).toBe(shape);
  });

  it.each([
    ["SELECT E'\\x41' || 1"],
    ['SELECT $$ 1 $$'],
    ["SELECT U&'d\\0061t\\+000061'"],
    ["SELECT X'1F'"],
    ['SELECT 1abc'],
    ["SELECT 'unterminated"],
  ])('leaves what it does not fully understand: %s', (sql) => {
    expect(numericShape(sql)).toBeUndefined();
  });

  it('keeps identifiers with digits and numbers glued to names', () => {
    expect(numericShape('SELECT col2 FROM t3')).toBe('SELECT col2 FROM t3');
  });
});
