import { beforeAll, describe, expect, it } from 'vitest';
import { judge } from './corpus/demo-policy';
import { formatPolicyTest } from './policy-test';
import { initSqlClassifier } from './sql-classifier';

beforeAll(async () => {
  await initSqlClassifier();
});

const run = (sql: string) => {
  const { c, d } = judge(sql);
  return formatPolicyTest(sql, c, d);
};

describe('formatPolicyTest', () => {
  it('prints each statement, its actions with their rules, and the decision', () => {
    expect(run('SELECT * FROM orders; WITH x AS (DELETE FROM orders RETURNING *) SELECT lower(note) FROM x')).toBe(
      [
        'statement 1: select',
        '  SELECT * FROM orders',
        '    select orders                                            allow  agents-default#1',
        'statement 2: select',
        '  WITH x AS (DELETE FROM orders RETURNING *) SELECT lower(note) FROM x',
        '  also delete (cte): orders',
        '    select                                                   allow  agents-default#1',
        '    lower() in select                                        allow  agents-default#1',
        '    delete orders                                            review agents-default#2',
        'decision: REVIEW (agents-default#2)',
        '  held for review by rule agents-default#2: delete orders',
        '  approvers: 1 of group dba',
        '  timeout: 10m',
        '',
      ].join('\n'),
    );
  });

  it('says when no rule matched', () => {
    const out = run("SELECT pg_read_file('/etc/passwd')");
    expect(out).toContain('pg_read_file() [server_file_access] in select            deny   no rule matches');
    expect(out).toContain(
      'decision: DENY\n  denied: no rule matches pg_read_file() [server_file_access] in select (fail closed)',
    );
  });

  it('shows syntax errors, notes and bodies defined for later', () => {
    expect(run('select 1 frm orders where')).toMatch(
      /^syntax error at character 14: syntax error at or near "orders"\n/,
    );
    expect(run("COPY orders FROM '/etc/passwd'")).toContain('note: COPY reads server file /etc/passwd');
    expect(run('CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ DELETE FROM orders $$')).toContain(
      'defines for later: delete (function body): orders',
    );
  });
});
