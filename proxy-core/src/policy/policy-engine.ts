/**
 * Policy decisions (issue 3 §2). A policy is an ordered rule list. Each action is decided by the first rule that
 * matches it; the command gets the strictest outcome of its actions (deny > review > allow); an action no rule
 * matches is denied (fail closed), and so is unparsed input unless a rule with `unparsed: true` says otherwise.
 * Step mode turns an allow into a review.
 *
 * Which keys of a rule apply to which action (a rule matches when every key it has applies and matches):
 * - `statements` — a statement action's kind, or the kind of the statement a function is called in. A generic
 *   name (`drop`, `create`, `alter`, `copy`, `transaction`) and `"*"` cover every kind but `unknown`.
 * - `tables` — a statement action's table; for a function action, any table of its statement.
 * - `functions`, `categories` — function actions only. A call to a function with a built-in category (file
 *   access, role change, …) is only matched by a rule that has one of these two keys, so `statements: [select]`
 *   never allows `SELECT pg_read_file(…)`; an ordinary function call rides along with its statement's rules.
 * - `unparsed: true` — the unparsed action only (combined with nothing but principals/groups);
 *   `unparsed: false` — every parsed action.
 * - `programs` — program actions (SSH); `methods`, `paths`, `hosts` — HTTP actions.
 * - `principals`, `groups` — every action: the principal's `sub`, any of its groups.
 *
 * Table names: a pattern without a schema (`customers`, `audit_*`) matches that table in any schema. A pattern
 * with one (`public.customers`, `billing.*`) matches references qualified with that schema, and unqualified
 * references whose name the search path resolves there: the session's `searchPath` if the caller gives one, else
 * the policy's (default `public`); an unqualified `pg_*` name is also looked up in `pg_catalog`, as PostgreSQL
 * does. Unquoted names fold to lower case, as in SQL.
 */
import { compileGlobList } from './glob';
import type {
  Action,
  ActionDecision,
  Decision,
  DecisionContext,
  Outcome,
  Principal,
  RuleRef,
  SqlClassification,
  StatementKind,
} from './policy.types';
import type { PolicyConfig, RuleConfig } from './policy-schema';
import { parseDuration } from './policy-schema';
import { compileNamePattern, type NameMatcher, type NameRef, toNameRef } from './qualified-name';
import { GENERIC_KINDS, STATEMENT_KINDS } from './statement-kinds';

export interface CompiledRule {
  readonly ref: RuleRef;
  readonly outcome: Outcome;
  readonly approvers?: { readonly groups: readonly string[]; readonly count: number };
  readonly timeoutMs?: number;
  readonly matches: (action: Action, env: MatchEnv) => boolean;
}

export interface CompiledPolicy {
  readonly name: string;
  readonly rules: readonly CompiledRule[];
  readonly searchPath: readonly string[];
  readonly masking: PolicyConfig['masking'];
}

interface MatchEnv {
  readonly principal: Principal;
  readonly ref: (name: string) => NameRef | null;
  readonly tableSchemas: (name: string) => readonly string[];
  readonly functionSchemas: (name: string) => readonly string[];
}

const SEVERITY: Readonly<Record<Outcome, number>> = { allow: 0, review: 1, deny: 2 };

export function compilePolicy(config: PolicyConfig, options: { searchPath?: readonly string[] } = {}): CompiledPolicy {
  return {
    name: config.name,
    rules: config.rules.map((rule, index) => compileRule(rule, index, config.name)),
    searchPath: options.searchPath ?? ['public'],
    masking: config.masking,
  };
}

function compileRule(rule: RuleConfig, index: number, policyName: string): CompiledRule {
  return {
    ref: { index, name: `${policyName}#${index + 1}` },
    outcome: rule.action,
    ...(rule.action === 'review' && rule.approvers !== undefined ? { approvers: rule.approvers } : {}),
    ...(rule.action === 'review' && rule.timeout !== undefined
      ? { timeoutMs: parseDuration(rule.timeout) as number }
      : {}),
    matches: compileMatch(rule.match, rule.action),
  };
}

/** The value at a dotted path of a JSON body, as text (arrays: any element), matched against globs. */
function bodyFieldMatches(body: unknown, path: readonly string[], values: (text: string) => boolean): boolean {
  let v: unknown = body;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
    v = (v as Record<string, unknown>)[key];
  }
  const candidates = Array.isArray(v) ? v : [v];
  return candidates.some((c) => c !== undefined && c !== null && typeof c !== 'object' && values(String(c)));
}

function compileMatch(m: RuleConfig['match'], outcome: RuleConfig['action']): CompiledRule['matches'] {
  const kinds = m.statements && expandStatements(m.statements);
  const tables = m.tables && compileNames(m.tables);
  const functions = m.functions && compileNames(m.functions);
  const categories = m.categories && new Set<string>(m.categories);
  const principals = m.principals && compileGlobList(m.principals);
  const groups = m.groups && compileGlobList(m.groups);
  const programs = m.programs && compileGlobList(m.programs);
  const methods = m.methods && compileGlobList(m.methods, { ignoreCase: true });
  const paths = m.paths && compileGlobList(m.paths, { separator: '/' });
  const hosts = m.hosts && compileGlobList(m.hosts, { ignoreCase: true });
  const body =
    m.body &&
    Object.entries(m.body).map(([path, values]) => ({ path: path.split('.'), values: compileGlobList(values) }));
  const sqlSubject = kinds !== undefined || tables !== undefined;
  const functionKey = functions !== undefined || categories !== undefined;
  const programKey = programs !== undefined;
  const httpKey = methods !== undefined || paths !== undefined || hosts !== undefined || body !== undefined;

  const forAction = (a: Action, env: MatchEnv): boolean => {
    switch (a.type) {
      case 'statement':
        if (functionKey || programKey || httpKey || m.unparsed === true) return false;
        if (kinds !== undefined && !kinds.has(a.statement)) return false;
        return tables === undefined || (a.table !== null && matchesName(tables, a.table, env, env.tableSchemas));
      case 'function':
        if (programKey || httpKey || m.unparsed === true) return false;
        if (a.categories.length > 0 && !functionKey) return false;
        if (kinds !== undefined && !kinds.has(a.statement)) return false;
        if (tables !== undefined && !a.tables.some((t) => matchesName(tables, t, env, env.tableSchemas))) return false;
        if (functions !== undefined && !matchesName(functions, a.function, env, env.functionSchemas)) return false;
        return categories === undefined || a.categories.some((c) => categories.has(c));
      case 'unparsed':
        return m.unparsed === true && !sqlSubject && !functionKey && !programKey && !httpKey;
      case 'program':
        if (sqlSubject || functionKey || httpKey || m.unparsed === true) return false;
        return programs === undefined || programs(a.program) || programs(basename(a.program));
      case 'http':
        if (sqlSubject || functionKey || programKey || m.unparsed === true) return false;
        if (methods !== undefined && !methods(a.method)) return false;
        if (paths !== undefined && !paths(a.path)) return false;
        if (body !== undefined) {
          // A body policy could not read may say anything: a rule that refuses by body refuses it (fail closed).
          if (a.body === undefined && a.bodyUnread !== undefined) {
            if (outcome === 'allow') return false;
          } else if (!body.every((f) => bodyFieldMatches(a.body, f.path, f.values))) return false;
        }
        return hosts === undefined || hosts(a.host);
    }
  };

  return (action, env) => {
    if (principals !== undefined && !principals(env.principal.sub)) return false;
    if (groups !== undefined && !env.principal.groups.some(groups)) return false;
    return forAction(action, env);
  };
}

/** `drop` → every drop_*; `*` and globs → every matching kind; `unknown` only when named. */
function expandStatements(names: readonly string[]): ReadonlySet<StatementKind> {
  const out = new Set<StatementKind>();
  for (const name of names) {
    const generic = GENERIC_KINDS[name];
    if (generic !== undefined) for (const k of generic) out.add(k);
    else if (name.includes('*')) {
      const glob = compileGlobList([name]);
      for (const k of STATEMENT_KINDS) if (k !== 'unknown' && glob(k)) out.add(k);
    } else out.add(name as StatementKind);
  }
  return out;
}

function compileNames(patterns: readonly string[]): NameMatcher[] {
  // The schema validated every pattern; one that does not compile matches nothing rather than everything.
  return patterns.map((p) => compileNamePattern(p) ?? (() => false));
}

function matchesName(
  patterns: readonly NameMatcher[],
  name: string,
  env: MatchEnv,
  schemas: (name: string) => readonly string[],
): boolean {
  const ref = env.ref(name);
  return ref !== null && patterns.some((p) => p(ref, schemas));
}

function basename(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1);
}

/**
 * Decides a command. `classification` (when given) adds an unparsed action for unparsed input that `actions` does
 * not already carry, and lets an empty query (no statements) through: there is nothing to execute.
 */
export function decide(
  policy: CompiledPolicy,
  ctx: DecisionContext,
  actions: readonly Action[],
  classification?: Pick<SqlClassification, 'unparsed'> & { readonly statements?: readonly unknown[] },
): Decision {
  const list: Action[] = [...actions];
  if (classification?.unparsed === true && !list.some((a) => a.type === 'unparsed'))
    list.push({ type: 'unparsed', reason: 'the input could not be parsed' });
  if (list.length === 0) {
    const empty = classification !== undefined && classification.statements?.length === 0;
    return empty
      ? withStepMode(
          ctx,
          { outcome: 'allow', rule: null, reason: 'empty query: nothing to execute', perAction: [] },
          null,
        )
      : { outcome: 'deny', rule: null, reason: 'denied: nothing to judge (fail closed)', perAction: [] };
  }
  const env = matchEnv(policy, ctx);
  const perAction: ActionDecision[] = [];
  const ruleOf: Array<CompiledRule | undefined> = [];
  for (const action of list) {
    const rule = policy.rules.find((r) => r.matches(action, env));
    ruleOf.push(rule);
    perAction.push({
      action,
      outcome: rule?.outcome ?? 'deny',
      ruleIndex: rule?.ref.index ?? null,
      rule: rule?.ref ?? null,
    });
  }
  const outcome = perAction.reduce<Outcome>((w, d) => (SEVERITY[d.outcome] > SEVERITY[w] ? d.outcome : w), 'allow');
  const at = decisiveIndex(perAction, ruleOf, outcome);
  const rule = ruleOf[at];
  const action = (perAction[at] as ActionDecision).action;
  const decision: Decision = {
    outcome,
    rule: rule?.ref ?? null,
    reason: reasonFor(outcome, rule, action),
    ...(rule?.approvers !== undefined ? { approvers: rule.approvers } : {}),
    ...(rule?.timeoutMs !== undefined ? { timeoutMs: rule.timeoutMs } : {}),
    perAction,
  };
  return withStepMode(ctx, decision, rule ?? null);
}

/**
 * Which action names the outcome: for a deny, the first one a rule denied (so the client hears the rule's name),
 * else the first denied; for a review, the rule asking for the most approvers, then the earliest rule.
 */
function decisiveIndex(
  perAction: readonly ActionDecision[],
  ruleOf: ReadonlyArray<CompiledRule | undefined>,
  outcome: Outcome,
): number {
  let best = -1;
  perAction.forEach((d, i) => {
    if (d.outcome !== outcome) return;
    if (best === -1) {
      best = i;
      return;
    }
    if (outcome === 'deny' && ruleOf[best] === undefined && ruleOf[i] !== undefined) best = i;
    if (outcome !== 'review') return;
    const a = ruleOf[i];
    const b = ruleOf[best];
    const count = (r: CompiledRule | undefined) => r?.approvers?.count ?? 0;
    if (count(a) > count(b) || (count(a) === count(b) && (a?.ref.index ?? 0) < (b?.ref.index ?? 0))) best = i;
  });
  return best;
}

function withStepMode(ctx: DecisionContext, decision: Decision, rule: CompiledRule | null): Decision {
  if (ctx.stepMode !== true || decision.outcome !== 'allow') return decision;
  const allowedBy = rule === null ? '' : ` (${rule.ref.name} would allow it)`;
  return { ...decision, outcome: 'review', reason: `held for review: the session is in step mode${allowedBy}` };
}

function matchEnv(policy: CompiledPolicy, ctx: DecisionContext): MatchEnv {
  const searchPath = ctx.searchPath ?? policy.searchPath;
  const withCatalog = ['pg_catalog', ...searchPath];
  const refs = new Map<string, NameRef | null>();
  return {
    principal: ctx.principal,
    ref(name) {
      let r = refs.get(name);
      if (r === undefined) {
        r = toNameRef(name);
        refs.set(name, r);
      }
      return r;
    },
    // Every relation in pg_catalog is named pg_*; other unqualified names resolve through the search path only.
    tableSchemas: (name) => (name.startsWith('pg_') ? withCatalog : searchPath),
    functionSchemas: () => withCatalog,
  };
}

function reasonFor(outcome: Outcome, rule: CompiledRule | undefined, action: Action): string {
  const what = describeAction(action);
  if (rule === undefined)
    return action.type === 'unparsed'
      ? `denied: ${what}, and no rule allows unparsed input (fail closed)`
      : `denied: no rule matches ${what} (fail closed)`;
  if (outcome === 'deny') return `denied by rule ${rule.ref.name}: ${what}`;
  if (outcome === 'review') return `held for review by rule ${rule.ref.name}: ${what}`;
  return `allowed by rule ${rule.ref.name}`;
}

/** One line for an action: `delete public.orders`, `pg_read_file() [server_file_access] in select`. */
export function describeAction(action: Action): string {
  switch (action.type) {
    case 'statement':
      return action.table === null ? action.statement : `${action.statement} ${action.table}`;
    case 'function': {
      const categories = action.categories.length > 0 ? ` [${action.categories.join(', ')}]` : '';
      return `${action.function}()${categories} in ${action.statement}`;
    }
    case 'unparsed':
      return `unparsed: ${action.reason}`;
    case 'program':
      return `program ${[action.program, ...action.args].join(' ')}`;
    case 'http':
      return `${action.method} ${action.host}${action.path}${action.bodyUnread ? ` (${action.bodyUnread})` : ''}`;
  }
}
