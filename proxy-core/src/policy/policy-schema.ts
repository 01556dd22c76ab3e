/**
 * The `policies:` block of vigil.yaml (DESIGN.md, Configuration contract). Every object is strict, so an unknown
 * key is an error; every bad value names its path and the reason before anything listens.
 */
import { z } from 'zod';
import { BUILTIN_DETECTORS } from '../masking/masking.types';
import { FUNCTION_CATEGORIES } from './function-categories';
import { compileNamePattern } from './qualified-name';
import { GENERIC_KINDS, isStatementKind } from './statement-kinds';

const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+)(ms|s|m|h|d)/g;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m`, `90s`, `1h30m`, `500ms` → milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(DURATION_PART)) ms += Number(n) * (UNIT_MS[unit as string] ?? 0);
  return ms;
}

const nonEmpty = z.string().trim().min(1, 'expected a non-empty string');
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'expected at least one value');

const statementName = nonEmpty.refine((s) => s.includes('*') || s in GENERIC_KINDS || isStatementKind(s), {
  error: (issue) =>
    `unknown statement kind "${String(issue.input)}" (a kind such as select, drop_table, copy_from, or create, alter, drop, copy, transaction)`,
});

const namePattern = (what: string) =>
  nonEmpty.refine((s) => compileNamePattern(s) !== null, {
    error: `expected a ${what} name such as public.customers or billing.*`,
  });

const method = nonEmpty.refine((s) => s === '*' || /^[A-Z]+$/.test(s), {
  error: 'expected an HTTP method in upper case, or *',
});

const SQL_KEYS = ['statements', 'tables', 'functions', 'categories', 'unparsed'] as const;
const SSH_KEYS = ['programs'] as const;
const HTTP_KEYS = ['methods', 'paths', 'hosts', 'body'] as const;

export const ruleMatchSchema = z
  .strictObject({
    statements: list(statementName).optional(),
    tables: list(namePattern('table')).optional(),
    functions: list(namePattern('function')).optional(),
    categories: list(z.enum(FUNCTION_CATEGORIES)).optional(),
    principals: list(nonEmpty).optional(),
    groups: list(nonEmpty).optional(),
    unparsed: z.boolean().optional(),
    programs: list(nonEmpty).optional(),
    methods: list(method).optional(),
    paths: list(
      nonEmpty.refine((s) => s.startsWith('/') || s === '*', { error: 'expected a path starting with /' }),
    ).optional(),
    hosts: list(nonEmpty).optional(),
    /**
     * JSON request-body fields (HTTP): dotted path → accepted values (globs, compared with the value as text);
     * the rule matches when every path holds one of its values. `{ "role": ["admin", "owner"] }`.
     */
    body: z
      .record(
        z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'expected a dotted path like role or user.role'),
        list(z.string()),
      )
      .optional(),
  })
  .superRefine((m, ctx) => {
    // A rule mixing SQL, shell and HTTP keys could never match anything: say so instead of ignoring it.
    const families = [SQL_KEYS, SSH_KEYS, HTTP_KEYS].filter((keys) => keys.some((k) => m[k] !== undefined));
    if (families.length > 1)
      ctx.addIssue({
        code: 'custom',
        message: 'a rule cannot mix SQL keys, programs and HTTP keys: it would never match',
      });
  });

const approversSchema = z.strictObject({
  groups: list(nonEmpty),
  count: z.number().int().min(1).max(100).default(1),
});

export const ruleSchema = z
  .strictObject({
    match: ruleMatchSchema,
    action: z.enum(['allow', 'deny', 'review'], { error: 'expected allow, deny or review' }),
    approvers: approversSchema.optional(),
    timeout: nonEmpty
      .refine((s) => (parseDuration(s) ?? 0) > 0, { error: 'expected a duration such as 30s, 10m, 1h or 1h30m' })
      .optional(),
  })
  .superRefine((r, ctx) => {
    if (r.action === 'review') return;
    if (r.approvers !== undefined)
      ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'approvers apply only to action: review' });
    if (r.timeout !== undefined)
      ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'timeout applies only to action: review' });
  });

const CUSTOM_NAME = /^[a-z][a-z0-9_]{0,62}$/;

const customDetectorSchema = z
  .strictObject({
    name: z.string().regex(CUSTOM_NAME, 'expected a lower-case name of letters, digits and _'),
    pattern: z.string().min(1, 'expected a non-empty regular expression'),
    flags: z
      .string()
      .regex(/^[imsuv]*$/, 'only the flags i, m, s, u and v are allowed')
      .optional(),
  })
  .superRefine((d, ctx) => {
    if ((BUILTIN_DETECTORS as readonly string[]).includes(d.name))
      ctx.addIssue({ code: 'custom', path: ['name'], message: `"${d.name}" is a built-in detector` });
    try {
      new RegExp(d.pattern, d.flags ?? '');
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `invalid regular expression: ${(err as Error).message}`,
      });
    }
  });

export type CustomDetector = z.output<typeof customDetectorSchema>;

const columnName = nonEmpty.refine(
  (s) => {
    const n = s.split('.').length;
    return n === 2 || n === 3;
  },
  { error: 'expected table.column or schema.table.column' },
);

/**
 * `masking:` — its shape only; the masking layer compiles it. Custom detectors are listed under `custom` (or
 * inline in `detectors`) and named in `detectors`; the output lists them inline, as the masking layer takes them.
 */
export const maskingSchema = z
  .strictObject({
    columns: z.array(columnName).default([]),
    detectors: z.array(z.union([nonEmpty, customDetectorSchema])).default([]),
    style: z.enum(['redact', 'partial', 'hash'], { error: 'expected redact, partial or hash' }),
    partialKeep: z.number().int().min(0).max(64).optional(),
    custom: z.array(customDetectorSchema).default([]),
    lineage: z.enum(['deny', 'mask']).optional(),
    predicates: z.enum(['deny', 'allow']).optional(),
    binary: z.enum(['deny', 'null']).optional(),
  })
  .superRefine((m, ctx) => {
    const custom = new Set<string>();
    m.custom.forEach((d, i) => {
      if (custom.has(d.name))
        ctx.addIssue({ code: 'custom', path: ['custom', i, 'name'], message: `duplicate detector "${d.name}"` });
      custom.add(d.name);
    });
    m.detectors.forEach((d, i) => {
      if (typeof d === 'string' && !(BUILTIN_DETECTORS as readonly string[]).includes(d) && !custom.has(d))
        ctx.addIssue({
          code: 'custom',
          path: ['detectors', i],
          message: `unknown detector "${d}" (built in: ${BUILTIN_DETECTORS.join(', ')}; or define it under custom)`,
        });
    });
  })
  .transform(({ custom, detectors, ...rest }) => {
    const byName = new Map(custom.map((d) => [d.name, d]));
    const resolved = detectors.map((d) => (typeof d === 'string' ? (byName.get(d) ?? d) : d));
    return { ...rest, detectors: resolved as Array<(typeof BUILTIN_DETECTORS)[number] | CustomDetector> };
  });

export const policySchema = z.strictObject({
  name: nonEmpty,
  /** Ordered; the first rule that matches an action decides it. */
  rules: z.array(ruleSchema),
  masking: maskingSchema.optional(),
});

export const policiesSchema = z.array(policySchema).superRefine((policies, ctx) => {
  const seen = new Set<string>();
  policies.forEach((p, i) => {
    if (seen.has(p.name))
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate policy name "${p.name}"` });
    seen.add(p.name);
  });
});

export type PolicyConfig = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type RuleConfig = z.output<typeof ruleSchema>;
export type RuleMatchConfig = z.output<typeof ruleMatchSchema>;
export type MaskingConfig = z.output<typeof maskingSchema>;
