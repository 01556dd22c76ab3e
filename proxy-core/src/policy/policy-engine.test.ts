import { describe, expect, it } from 'vitest';
import type { Action, DecisionContext } from './policy.types';
import { type CompiledPolicy, compilePolicy, decide } from './policy-engine';
import { type PolicyInput, policySchema } from './policy-schema';

const policy = (rules: PolicyInput['rules'], searchPath?: string[]): CompiledPolicy =>
  compilePolicy(policySchema.parse({ name: 'p', rules }), searchPath ? { searchPath } : {});

const agent: DecisionContext = { principal: { sub: 'agent-7', groups: ['ai-agents'] } };
const stmt = (statement: string, table: string | null = null): Action =>
  ({ type: 'statement', statement, table }) as Action;
const fn = (name: string, categories: string[] = [], statement = 'select', tables: string[] = []): Action =>
  ({ type: 'function', function: name, categories, statement, tables }) as Action;

describe('decide', () => {
  it('decides each action by the first rule that matches it', () => {
    const p = policy([
      { match: { statements: ['delete'], tables: ['audit'] }, action: 'allow' },
      { match: { statements: ['delete'] }, action: 'deny' },
    ]);
    expect(decide(p, agent, [stmt('delete', 'audit')])).toMatchObject({
      outcome: 'allow',
      rule: { index: 0, name: 'p#1' },
    });
    expect(decide(p, agent, [stmt('delete', 'orders')])).toMatchObject({
      outcome: 'deny',
      rule: { index: 1, name: 'p#2' },
    });
  });

  it('gives the command the strictest outcome of its actions (deny > review > allow)', () => {
    const p = policy([
      { match: { statements: ['select'] }, action: 'allow' },
      { match: { statements: ['update'] }, action: 'review', approvers: { groups: ['dba'], count: 2 }, timeout: '90s' },
      { match: { statements: ['drop'] }, action: 'deny' },
    ]);
    const review = decide(p, agent, [stmt('select', 't'), stmt('update', 't')]);
    expect(review).toMatchObject({
      outcome: 'review',
      rule: { index: 1 },
      approvers: { groups: ['dba'], count: 2 },
      timeoutMs: 90_000,
    });
    expect(review.reason).toBe('held for review by rule p#2: update t');
    const deny = decide(p, agent, [stmt('select', 't'), stmt('update', 't'), stmt('drop_table', 't')]);
    expect(deny).toMatchObject({ outcome: 'deny', rule: { index: 2 } });
    expect(deny.approvers).toBeUndefined();
    expect(deny.perAction.map((a) => [a.outcome, a.ruleIndex])).toEqual([
      ['allow', 0],
      ['review', 1],
      ['deny', 2],
    ]);
  });

  it('denies an action that no rule matches (fail closed)', () => {
    const p = policy([{ match: { statements: ['select'] }, action: 'allow' }]);
    const d = decide(p, agent, [stmt('select', 't'), stmt('vacuum', 't')]);
    expect(d).toMatchObject({ outcome: 'deny', rule: null, reason: 'denied: no rule matches vacuum t (fail closed)' });
    expect(d.perAction[1]).toMatchObject({ outcome: 'deny', ruleIndex: null, rule: null });
  });

  it('names the rule of a deny when one action was denied by a rule and another by no rule', () => {
    const p = policy([{ match: { statements: ['drop'] }, action: 'deny' }]);
    expect(decide(p, agent, [stmt('do'), stmt('drop_table', 't')]).rule?.name).toBe('p#1');
  });

  it('denies unparsed input unless a rule with unparsed: true says otherwise', () => {
    const unparsed: Action = { type: 'unparsed', reason: 'dynamic EXECUTE' };
    const none = policy([{ match: { statements: ['*'] }, action: 'allow' }]);
    expect(decide(none, agent, [unparsed])).toMatchObject({ outcome: 'deny', rule: null });
    expect(decide(none, agent, [], { unparsed: true, statements: [] })).toMatchObject({ outcome: 'deny', rule: null });
    const review = policy([{ match: { unparsed: true }, action: 'review', approvers: { groups: ['dba'] } }]);
    expect(decide(review, agent, [unparsed])).toMatchObject({ outcome: 'review', approvers: { count: 1 } });
    // Only `unparsed: true` covers it: a catch-all rule or `unparsed: false` does not.
    const catchAll = policy([
      { match: {}, action: 'allow' },
      { match: { unparsed: false }, action: 'allow' },
    ]);
    expect(decide(catchAll, agent, [unparsed]).outcome).toBe('deny');
    expect(decide(catchAll, agent, [stmt('select')]).outcome).toBe('allow');
  });

  it('turns allow into review in step mode, and leaves deny alone', () => {
    const p = policy([
      { match: { statements: ['select'] }, action: 'allow' },
      { match: { statements: ['drop'] }, action: 'deny' },
    ]);
    const step = { ...agent, stepMode: true };
    expect(decide(p, step, [stmt('select', 't')])).toMatchObject({
      outcome: 'review',
      rule: { index: 0 },
      reason: 'held for review: the session is in step mode (p#1 would allow it)',
    });
    expect(decide(p, step, [stmt('drop_table', 't')]).outcome).toBe('deny');
    expect(decide(p, step, [], { unparsed: false, statements: [] }).outcome).toBe('review');
  });

  it('matches principals and groups', () => {
    const p = policy([
      { match: { principals: ['break-glass-*'] }, action: 'allow' },
      { match: { groups: ['dba'], statements: ['drop'] }, action: 'review' },
      { match: { statements: ['drop'] }, action: 'deny' },
    ]);
    const drop = [stmt('drop_table', 't')];
    expect(decide(p, { principal: { sub: 'break-glass-ann', groups: [] } }, drop).outcome).toBe('allow');
    expect(decide(p, { principal: { sub: 'bob', groups: ['staff', 'dba'] } }, drop).outcome).toBe('review');
    expect(decide(p, agent, drop).outcome).toBe('deny');
  });

  it('lets a generic statement name match its family, but never unknown', () => {
    const p = policy([
      { match: { statements: ['drop', 'copy'] }, action: 'review' },
      { match: { statements: ['*'] }, action: 'allow' },
    ]);
    for (const k of ['drop_table', 'drop_role', 'drop_owned', 'copy_program'])
      expect(decide(p, agent, [stmt(k)]).outcome).toBe('review');
    expect(decide(p, agent, [stmt('select')]).outcome).toBe('allow');
    expect(decide(p, agent, [stmt('unknown')]).outcome).toBe('deny');
    expect(
      decide(policy([{ match: { statements: ['unknown'] }, action: 'allow' }]), agent, [stmt('unknown')]).outcome,
    ).toBe('allow');
  });

  it('tells locks apart by mode, and lets `lock` name them all', () => {
    const dump = policy([{ match: { statements: ['select', 'lock_access_share'] }, action: 'allow' }]);
    expect(decide(dump, agent, [stmt('lock_access_share', 'orders')]).outcome).toBe('allow');
    for (const k of ['lock_access_exclusive', 'lock_exclusive', 'lock_share', 'lock_rows'])
      expect(decide(dump, agent, [stmt(k, 'orders')]).outcome).toBe('deny');
    const any = policy([{ match: { statements: ['lock'] }, action: 'allow' }]);
    for (const k of ['lock_access_share', 'lock_row_exclusive', 'lock_access_exclusive', 'lock_rows'])
      expect(decide(any, agent, [stmt(k, 'orders')]).outcome).toBe('allow');
    expect(decide(any, agent, [stmt('select', 'orders')]).outcome).toBe('deny');
  });

  it('only lets a rule with functions or categories cover a call to a dangerous function', () => {
    const p = policy([
      { match: { categories: ['sleep'], statements: ['select'] }, action: 'allow' },
      { match: { functions: ['purge_*'] }, action: 'deny' },
      { match: { statements: ['select'] }, action: 'allow' },
    ]);
    expect(decide(p, agent, [stmt('select'), fn('pg_sleep', ['sleep'])]).outcome).toBe('allow');
    expect(decide(p, agent, [stmt('update', 't'), fn('pg_sleep', ['sleep'], 'update')]).outcome).toBe('deny');
    expect(decide(p, agent, [stmt('select'), fn('pg_read_file', ['server_file_access'])]).outcome).toBe('deny');
    expect(decide(p, agent, [stmt('select'), fn('lower')]).outcome).toBe('allow');
    expect(decide(p, agent, [stmt('select'), fn('public.purge_all')]).outcome).toBe('deny');
  });

  it('matches a function action against the tables of its statement', () => {
    const p = policy([
      { match: { tables: ['customers'] }, action: 'deny' },
      { match: { statements: ['select'], tables: ['orders'] }, action: 'allow' },
    ]);
    expect(decide(p, agent, [stmt('select', 'orders'), fn('lower', [], 'select', ['orders'])]).outcome).toBe('allow');
    expect(decide(p, agent, [stmt('select', 'customers'), fn('lower', [], 'select', ['customers'])]).outcome).toBe(
      'deny',
    );
  });

  describe('table names', () => {
    const p = (tables: string[], searchPath?: string[]) =>
      policy([{ match: { statements: ['select'], tables }, action: 'allow' }], searchPath);
    const allowed = (pol: CompiledPolicy, table: string, ctx: DecisionContext = agent) =>
      decide(pol, ctx, [stmt('select', table)]).outcome === 'allow';

    it('takes an unqualified reference as public.<name>, or through the search path given', () => {
      expect(allowed(p(['public.customers']), 'customers')).toBe(true);
      expect(allowed(p(['public.customers']), 'public.customers')).toBe(true);
      expect(allowed(p(['public.customers']), 'billing.customers')).toBe(false);
      expect(allowed(p(['billing.*']), 'invoices')).toBe(false);
      expect(allowed(p(['billing.*'], ['billing', 'public']), 'invoices')).toBe(true);
      expect(allowed(p(['billing.*']), 'invoices', { ...agent, searchPath: ['billing'] })).toBe(true);
    });

    it('matches a pattern without a schema in every schema', () => {
      expect(allowed(p(['customers']), 'customers')).toBe(true);
      expect(allowed(p(['customers']), 'crm.customers')).toBe(true);
      expect(allowed(p(['audit_*']), 'ops.audit_2024')).toBe(true);
      expect(allowed(p(['*']), 'anything.at_all')).toBe(true);
    });

    it('folds unquoted names to lower case and keeps quoted ones exact, as SQL does', () => {
      expect(allowed(p(['Public.Customers']), 'customers')).toBe(true);
      expect(allowed(p(['"Customers"']), '"Customers"')).toBe(true);
      expect(allowed(p(['"Customers"']), 'customers')).toBe(false);
      expect(allowed(p(['customers']), '"Customers"')).toBe(false);
    });

    it('looks an unqualified pg_* relation up in pg_catalog', () => {
      const deny = policy([
        { match: { tables: ['pg_catalog.*'] }, action: 'deny' },
        { match: { statements: ['select'] }, action: 'allow' },
      ]);
      expect(decide(deny, agent, [stmt('select', 'pg_authid')]).outcome).toBe('deny');
      expect(decide(deny, agent, [stmt('select', 'customers')]).outcome).toBe('allow');
    });

    it('does not let a rule with tables match a statement that names none', () => {
      expect(decide(p(['*']), agent, [stmt('select')]).outcome).toBe('deny');
    });
  });

  it('matches programs and HTTP requests, and keeps SQL, shell and HTTP rules apart', () => {
    const p = policy([
      { match: { programs: ['rm'] }, action: 'deny' },
      { match: { programs: ['*'] }, action: 'allow' },
      { match: { methods: ['DELETE'], paths: ['/iam/**'] }, action: 'review' },
      { match: { methods: ['GET', 'HEAD'] }, action: 'allow' },
    ]);
    expect(decide(p, agent, [{ type: 'program', program: '/bin/rm', args: ['-rf', '/'] }]).outcome).toBe('deny');
    expect(decide(p, agent, [{ type: 'program', program: 'ls', args: [] }]).outcome).toBe('allow');
    const http = (method: string, path: string): Action => ({ type: 'http', method, path, host: 'billing.internal' });
    expect(decide(p, agent, [http('DELETE', '/iam/users/7')]).outcome).toBe('review');
    expect(decide(p, agent, [http('DELETE', '/iam')]).outcome).toBe('review');
    expect(decide(p, agent, [http('DELETE', '/iamx')]).outcome).toBe('deny');
    expect(decide(p, agent, [http('get', '/x')]).outcome).toBe('allow');
    expect(decide(p, agent, [stmt('select')]).outcome).toBe('deny');
  });

  it('picks the review rule asking for the most approvers', () => {
    const p = policy([
      { match: { statements: ['update'] }, action: 'review', approvers: { groups: ['dba'], count: 1 } },
      {
        match: { statements: ['delete'] },
        action: 'review',
        approvers: { groups: ['security'], count: 2 },
        timeout: '1h',
      },
    ]);
    expect(decide(p, agent, [stmt('update', 't'), stmt('delete', 't')])).toMatchObject({
      rule: { index: 1 },
      approvers: { groups: ['security'], count: 2 },
      timeoutMs: 3_600_000,
    });
  });

  it('allows an empty query and denies an empty list of actions it cannot account for', () => {
    const p = policy([]);
    expect(decide(p, agent, [], { unparsed: false, statements: [] }).outcome).toBe('allow');
    expect(decide(p, agent, []).outcome).toBe('deny');
  });
});

describe('HTTP body rules', () => {
  const policy = compilePolicy(
    policySchema.parse({
      name: 'api',
      rules: [
        { match: { methods: ['POST'], body: { 'grant.role': ['admin', 'owner*'] } }, action: 'deny' },
        { match: { methods: ['POST'] }, action: 'allow' },
      ],
    }),
  );
  const ctx: DecisionContext = { principal: { sub: 'agent', groups: [] } };
  const post = (body: unknown): Action => ({ type: 'http', method: 'POST', path: '/grants', host: 'api', body });

  it.each([
    [{ grant: { role: 'admin' } }, 'deny'],
    [{ grant: { role: 'owner-of-all' } }, 'deny'],
    [{ grant: { role: ['viewer', 'admin'] } }, 'deny'],
    [{ grant: { role: 'viewer' } }, 'allow'],
    [{ grant: 'admin' }, 'allow'],
    [{ role: 'admin' }, 'allow'],
    [undefined, 'allow'],
  ])('%j → %s', (body, outcome) => {
    expect(decide(policy, ctx, [post(body)]).outcome).toBe(outcome);
  });

  it('a body policy could not read: a rule refusing by body matches it, a rule allowing by body does not', () => {
    const unread: Action = {
      type: 'http',
      method: 'POST',
      path: '/grants',
      host: 'api',
      bodyUnread: 'the body is not JSON',
    };
    const decision = decide(policy, ctx, [unread]);
    expect(decision.outcome).toBe('deny');
    expect(decision.reason).toContain('the body is not JSON');
    const allowByBody = compilePolicy(
      policySchema.parse({
        name: 'api',
        rules: [{ match: { methods: ['POST'], body: { 'grant.role': ['viewer'] } }, action: 'allow' }],
      }),
    );
    expect(decide(allowByBody, ctx, [unread]).outcome).toBe('deny'); // no rule matches: fail closed
    expect(decide(allowByBody, ctx, [post({ grant: { role: 'viewer' } })]).outcome).toBe('allow');
  });

  it('a body rule cannot be mixed with SQL keys', () => {
    expect(() =>
      policySchema.parse({
        name: 'x',
        rules: [{ match: { statements: ['select'], body: { a: ['b'] } }, action: 'deny' }],
      }),
    ).toThrow();
  });
});
