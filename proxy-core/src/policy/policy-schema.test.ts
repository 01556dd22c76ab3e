import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DESIGN_POLICY_YAML } from './corpus/demo-policy';
import { parseDuration, policiesSchema, policySchema } from './policy-schema';

/** `path: reason` for each issue, the way the config loader reports them. */
function issues(input: unknown): string[] {
  const r = policySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const rule = (match: object, extra: object = {}) => ({ name: 'p', rules: [{ match, action: 'allow', ...extra }] });

describe('policySchema', () => {
  it('accepts the policy of DESIGN.md as written', () => {
    const p = policySchema.parse(parse(DESIGN_POLICY_YAML));
    expect(p.rules).toHaveLength(9);
    expect(p.rules[1]).toEqual({
      match: { statements: ['insert', 'update', 'delete', 'merge', 'copy_from'] },
      action: 'review',
      approvers: { groups: ['dba'], count: 1 },
      timeout: '10m',
    });
    expect(p.masking?.style).toBe('partial');
  });

  it('rejects unknown keys everywhere', () => {
    expect(issues({ name: 'p', rules: [], extra: 1 })).toEqual([expect.stringMatching(/^: .*"extra"/)]);
    expect(issues(rule({ statement: ['select'] }))).toEqual([expect.stringMatching(/^rules\.0\.match: .*statement/)]);
    expect(issues({ name: 'p', rules: [{ match: {}, action: 'allow', why: 'x' }] })).toEqual([
      expect.stringMatching(/^rules\.0: .*why/),
    ]);
    expect(issues({ name: 'p', rules: [], masking: { style: 'redact', colums: [] } })).toEqual([
      expect.stringMatching(/^masking: .*colums/),
    ]);
  });

  it('names the path and the reason of bad values', () => {
    expect(issues(rule({ statements: ['selekt'] }))).toEqual([
      expect.stringMatching(/^rules\.0\.match\.statements\.0: unknown statement kind "selekt"/),
    ]);
    expect(issues(rule({ categories: ['file'] }))).toEqual([
      expect.stringMatching(/^rules\.0\.match\.categories\.0: /),
    ]);
    expect(issues(rule({ tables: ['a.b.c.d'] }))).toEqual([
      expect.stringMatching(/^rules\.0\.match\.tables\.0: expected a table name/),
    ]);
    expect(issues(rule({ methods: ['get'] }))).toEqual([
      expect.stringMatching(/^rules\.0\.match\.methods\.0: expected an HTTP method/),
    ]);
    expect(issues(rule({ statements: [] }))).toEqual(['rules.0.match.statements: expected at least one value']);
    expect(issues({ name: 'p', rules: [{ match: {}, action: 'mask' }] })).toEqual([
      'rules.0.action: expected allow, deny or review',
    ]);
    expect(issues({ name: 'p', rules: [{ match: {}, action: 'review', timeout: '10 minutes' }] })).toEqual([
      'rules.0.timeout: expected a duration such as 30s, 10m, 1h or 1h30m',
    ]);
  });

  it('accepts generic kinds, globs and every statement kind', () => {
    expect(
      issues(rule({ statements: ['drop', 'create', 'alter', 'copy', 'transaction', 'create_*', 'unknown'] })),
    ).toEqual([]);
  });

  it('refuses a rule that mixes SQL, shell and HTTP keys, and approvers outside review', () => {
    expect(issues(rule({ statements: ['select'], programs: ['rm'] }))).toEqual([
      expect.stringMatching(/^rules\.0\.match: a rule cannot mix/),
    ]);
    expect(issues(rule({}, { approvers: { groups: ['dba'] } }))).toEqual([
      'rules.0.approvers: approvers apply only to action: review',
    ]);
    expect(issues(rule({}, { timeout: '1m' }))).toEqual(['rules.0.timeout: timeout applies only to action: review']);
  });

  it('validates the shape of masking and lists custom detectors inline', () => {
    const p = policySchema.parse({
      name: 'p',
      rules: [],
      masking: {
        columns: ['customers.email', 'crm.customers.ssn'],
        detectors: ['email', 'employee_id', { name: 'ticket', pattern: 'T-\\d+' }],
        style: 'partial',
        partialKeep: 4,
        custom: [{ name: 'employee_id', pattern: 'E\\d{6}', flags: 'i' }],
        lineage: 'deny',
        binary: 'null',
      },
    });
    expect(p.masking?.detectors).toEqual([
      'email',
      { name: 'employee_id', pattern: 'E\\d{6}', flags: 'i' },
      { name: 'ticket', pattern: 'T-\\d+' },
    ]);
    const bad = issues({
      name: 'p',
      rules: [],
      masking: {
        columns: ['email'],
        detectors: ['emial'],
        style: 'blur',
        custom: [{ name: 'email', pattern: '(' }],
        binary: 'raw',
      },
    });
    expect(bad).toEqual(
      expect.arrayContaining([
        'masking.columns.0: expected table.column or schema.table.column',
        'masking.style: expected redact, partial or hash',
        expect.stringMatching(/^masking\.custom\.0\.name: "email" is a built-in detector/),
        expect.stringMatching(/^masking\.custom\.0\.pattern: invalid regular expression/),
        expect.stringMatching(/^masking\.binary: /),
      ]),
    );
  });

  it('refuses duplicate policy names', () => {
    const r = policiesSchema.safeParse([
      { name: 'a', rules: [] },
      { name: 'a', rules: [] },
    ]);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual([1, 'name']);
  });
});

describe('parseDuration', () => {
  it.each([
    ['10m', 600_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['2d', 172_800_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '10', 'm', '10 m', '1.5h', '-1m'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
