import type { ApprovalBroker } from '../approvals/approval-broker';
import type { Logger } from '../logger';
import {
  type Action,
  type ClassificationCache,
  type CompiledPolicy,
  createPreparedStatements,
  type Decision,
  decide,
  describeAction,
  type SqlClassification,
  sqlActions,
} from '../policy';
import type { Store } from '../store/store.types';
import type { CommandGate, CommandToCheck, Verdict, VerdictDetail } from './command-gate.types';
import type { RecordedSession } from './recorded-session.types';

export interface SqlGateDeps {
  policy: CompiledPolicy;
  session: RecordedSession;
  classifier: ClassificationCache;
  broker: ApprovalBroker;
  store: Store;
  logger: Logger;
  /** Where approvers decide, told to the agent with a held statement. */
  approvalsUrl: string;
  /** The upstream's built-in function names; undefined when unknown (then every plain call is a user function). */
  builtinFunctions: ReadonlySet<string> | undefined;
}

/** Statement kinds whose allowed executions live in the recording only; everything else is audited too. */
const READ_ONLY = new Set([
  'select',
  'show',
  'explain',
  'set',
  'reset',
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'release',
  'fetch',
  'move',
  'close_cursor',
  'declare_cursor',
  'discard',
  'deallocate',
  'prepare',
  'listen',
  'unlisten',
]);

/**
 * The policy step for SQL: classify with the real parser (cached by text), resolve EXECUTE of prepared
 * statements to what they run, decide, and for `review` create an approval request and hold.
 */
export function createSqlGate(deps: SqlGateDeps): CommandGate {
  const prepared = createPreparedStatements();
  const pending = new Set<string>();
  const { session } = deps;
  return {
    check(command: CommandToCheck): Verdict {
      let classification: SqlClassification;
      let decision: Decision;
      try {
        const ctx = { principal: session.principal, stepMode: session.stepMode };
        if (command.via === 'function-call') {
          // A fast-path FunctionCall carries no SQL to classify: only a rule allowing unparsed input lets it run.
          classification = { statements: [], unparsed: true };
          decision = decide(deps.policy, ctx, [{ type: 'unparsed', reason: command.text.replace(/^-- /, '') }]);
        } else {
          classification = deps.classifier.classify(command.text);
          if (command.via === 'parse') prepared.set(command.name ?? '', classification);
          const resolved = prepared.resolve(classification);
          decision = decide(deps.policy, ctx, flagUserFunctions(sqlActions(resolved), deps.builtinFunctions), resolved);
        }
        if (decision.outcome === 'allow' && command.via === 'query') prepared.record(classification);
      } catch (err) {
        // Policy that cannot be evaluated never lets the statement through (fail closed).
        deps.logger.error('policy evaluation failed', { err });
        return {
          outcome: 'deny',
          rule: null,
          message: 'Vigil could not evaluate policy for this statement, so it was not run',
        };
      }
      const rule = decision.rule?.name ?? null;
      const detail: VerdictDetail = {
        reason: decision.reason,
        actions: decision.perAction.map(
          (a) => `${describeAction(a.action)} → ${a.outcome}${a.rule ? ` (${a.rule.name})` : ''}`,
        ),
      };
      auditStatement(deps, command, classification, decision, rule);
      switch (decision.outcome) {
        case 'allow':
          return { outcome: 'allow', rule, detail };
        case 'deny':
          return {
            outcome: 'deny',
            rule,
            detail,
            message: `Vigil policy: ${decision.reason}${rule ? ` (rule ${rule})` : ''}`,
          };
        case 'review': {
          const approvers = decision.approvers ?? { groups: [], count: 1 };
          const { request, decided } = deps.broker.request({
            sessionId: session.id,
            principal: session.principal,
            connection: session.connection,
            statement: command.text,
            actions: detail.actions,
            rule: rule ?? (session.stepMode ? 'step mode' : 'review'),
            approvers: { groups: [...approvers.groups], count: approvers.count },
            timeoutMs: decision.timeoutMs ?? 10 * 60_000,
          });
          pending.add(request.id);
          session.annotate({
            type: 'approval.requested',
            requestId: request.id,
            text: command.text,
            rule,
            approvers,
            expiresAt: request.expiresAt,
          });
          const held = classification;
          void decided.then((outcome) => {
            pending.delete(request.id);
            // An approved PREPARE defines what a later EXECUTE runs, as an allowed one does.
            if (outcome.approved && command.via === 'query') prepared.record(held);
          });
          return {
            outcome: 'review',
            rule,
            detail,
            requestId: request.id,
            notice: `Vigil: this statement is held for approval (request ${request.id}${rule ? `, rule ${rule}` : ''}). It runs once an approver decides at ${deps.approvalsUrl} or with \`vigil approvals approve ${request.id}\`; until then this session waits.`,
            decided,
          };
        }
      }
    },
    close() {
      for (const id of pending) deps.broker.cancel(id);
      pending.clear();
    },
  };
}

/**
 * A call to a function that is not a PostgreSQL built-in runs a body the parser never saw
 * (`SELECT wipe()` may delete everything): it gets the `user_function` category, which only a rule
 * naming functions or categories can allow.
 */
export function flagUserFunctions(
  actions: readonly Action[],
  builtins: ReadonlySet<string> | undefined,
): readonly Action[] {
  if (!actions.some((a) => a.type === 'function' && a.categories.length === 0)) return actions;
  return actions.map((a) => {
    if (a.type !== 'function' || a.categories.length > 0) return a;
    const parts = a.function.toLowerCase().split('.');
    const name = parts.at(-1) ?? '';
    const schema = parts.length > 1 ? parts.at(-2) : undefined;
    const builtin = builtins?.has(name) === true && (schema === undefined || schema === 'pg_catalog');
    return builtin ? a : { ...a, categories: ['user_function'] };
  });
}

function auditStatement(
  deps: SqlGateDeps,
  command: CommandToCheck,
  c: SqlClassification,
  d: Decision,
  rule: string | null,
): void {
  const readOnly = !c.unparsed && c.statements.every((s) => READ_ONLY.has(s.kind));
  if (d.outcome === 'allow' && readOnly) return;
  deps.store.appendAudit({
    type: 'statement',
    actor: deps.session.principal.sub,
    sessionId: deps.session.id,
    connection: deps.session.connection,
    data: {
      frame: command.frame,
      via: command.via,
      text: command.text.slice(0, 4096),
      kinds: c.statements.map((s) => s.kind),
      decision: d.outcome,
      rule,
      reason: d.reason,
    },
  });
}
