import type { ApprovalBroker } from '../approvals/approval-broker';
import type { Logger } from '../logger';
import { type Action, type CompiledPolicy, type Decision, decide, describeAction } from '../policy';
import type { Store } from '../store/store.types';
import type { CommandGate, CommandToCheck, ReviewOutcome, Verdict, VerdictDetail } from './command-gate.types';
import type { RecordedSession } from './recorded-session.types';

/** What a protocol makes of a command before policy judges it. */
export interface Interpretation {
  actions: readonly Action[];
  /** Part of the input could not be read: denied unless a rule allows unparsed input. */
  unparsed: boolean;
  /** Nothing would execute (an empty query): allowed. */
  empty?: boolean;
  /** Allowed read-only commands are kept in the recording only; everything else is audited too. */
  readOnly: boolean;
  /** The command only prepares what later commands run (SQL PREPARE): a review waits for those runs. */
  preparesOnly?: boolean;
  /** Short names of what the command does, for the audit log (statement kinds, programs, methods). */
  kinds: string[];
  /** Per statement (or program, request): its kind and the tables (paths) it touches. */
  statements?: Array<{ kind: string; tables: string[] }>;
}

/** The protocol-specific half of the policy step (SQL, shell, HTTP). */
export interface CommandInterpreter {
  interpret(command: CommandToCheck): Interpretation;
  /** The command was allowed, or approved, and is about to run. */
  ran?(command: CommandToCheck): void;
}

export interface PolicyGateDeps {
  policy: CompiledPolicy;
  session: RecordedSession;
  interpreter: CommandInterpreter;
  broker: ApprovalBroker;
  store: Store;
  logger: Logger;
  /** Where approvers decide, told to the agent with a held command. */
  approvalsUrl: string;
}

/**
 * The policy and approval step of the pipeline, the same for every protocol: interpret, decide
 * (strictest action wins, no matching rule denies), audit, and for `review` create an approval
 * request and hold. Policy that cannot be evaluated denies (fail closed).
 */
export function createPolicyGate(deps: PolicyGateDeps): CommandGate {
  const pending = new Set<string>();
  const { session } = deps;
  // Interpreters return the same actions array for the same command shape (classification is cached),
  // and policy, principal and groups are fixed for the session: an allow is decided once per shape.
  const allowed = new WeakMap<readonly Action[], Verdict>();
  return {
    check(command: CommandToCheck): Verdict {
      let found: Interpretation;
      let decision: Decision;
      try {
        found = deps.interpreter.interpret(command);
        const known = session.stepMode ? undefined : allowed.get(found.actions);
        if (known) {
          deps.interpreter.ran?.(command);
          return known;
        }
        decision = decide(deps.policy, { principal: session.principal, stepMode: session.stepMode }, found.actions, {
          unparsed: found.unparsed,
          ...(found.empty ? { statements: [] } : {}),
        });
      } catch (err) {
        deps.logger.error('policy evaluation failed', { err });
        return {
          outcome: 'deny',
          rule: null,
          message: 'Vigil could not evaluate policy for this command, so it was not run',
        };
      }
      const rule = decision.rule?.name ?? null;
      // Preparing runs nothing: a review waits for the run (an Execute), where the approver decides it.
      const heldWhenRun =
        decision.outcome === 'review' && (found.preparesOnly === true || command.preparesOnly?.() === true);
      const detail: VerdictDetail = {
        reason: heldWhenRun ? `${decision.reason}; held when it runs` : decision.reason,
        statements: found.statements ?? found.kinds.map((kind) => ({ kind, tables: [] })),
        actions: decision.perAction.map(
          (a) => `${describeAction(a.action)} → ${a.outcome}${a.rule ? ` (${a.rule.name})` : ''}`,
        ),
      };
      // Every decision reaches the audit log; repeats of an allowed read-only command (same shape) are
      // answered from `allowed` above and stay in the signed recording and the session's counters.
      audit(deps, command, found, decision, rule, detail.reason);
      switch (decision.outcome) {
        case 'allow': {
          deps.interpreter.ran?.(command);
          const verdict: Verdict = { outcome: 'allow', rule, detail };
          if (found.readOnly && !found.unparsed) allowed.set(found.actions, verdict);
          return verdict;
        }
        case 'deny':
          return {
            outcome: 'deny',
            rule,
            detail,
            // The reason names the rule that denied (or says none matched).
            message: `Vigil policy: ${decision.reason}`,
          };
        case 'review':
          if (heldWhenRun) {
            deps.interpreter.ran?.(command); // what it prepares is what its runs are judged as
            return { outcome: 'allow', rule, detail, heldWhenRun };
          }
          return hold(deps, command, decision, rule, detail, pending);
      }
    },
    withdraw(requestId) {
      if (pending.delete(requestId)) deps.broker.cancel(requestId);
    },
    close() {
      for (const id of pending) deps.broker.cancel(id);
      pending.clear();
    },
  };
}

function hold(
  deps: PolicyGateDeps,
  command: CommandToCheck,
  decision: Decision,
  rule: string | null,
  detail: VerdictDetail,
  pending: Set<string>,
): Verdict {
  const { session } = deps;
  const approvers = decision.approvers ?? { groups: [], count: 1 };
  const runs = command.runs?.();
  const { request, decided } = deps.broker.request({
    sessionId: session.id,
    principal: session.principal,
    connection: session.connection,
    statement: command.text,
    ...(runs === undefined ? {} : { runs }),
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
    ...(runs === undefined ? {} : { runs }),
    rule,
    approvers,
    expiresAt: request.expiresAt,
  });
  const settled = decided.then((outcome: ReviewOutcome) => {
    pending.delete(request.id);
    if (outcome.approved) deps.interpreter.ran?.(command);
    return outcome;
  });
  return {
    outcome: 'review',
    rule,
    detail,
    requestId: request.id,
    notice: `Vigil: this command is held for approval (request ${request.id}${rule ? `, rule ${rule}` : ''}). It runs once an approver decides at ${deps.approvalsUrl} or with \`vigil approvals approve ${request.id}\`; until then this session waits.`,
    decided: settled,
    ...(runs === undefined ? {} : { runs: runs.length }),
  };
}

function audit(
  deps: PolicyGateDeps,
  command: CommandToCheck,
  found: Interpretation,
  d: Decision,
  rule: string | null,
  reason: string,
): void {
  // 'statement' for every protocol's commands (SQL statements, shell command lines, HTTP requests).
  deps.store.appendAudit({
    type: 'statement',
    actor: deps.session.principal.sub,
    sessionId: deps.session.id,
    connection: deps.session.connection,
    data: {
      frame: command.frame,
      via: command.via,
      text: command.text.slice(0, 4096),
      kinds: found.kinds,
      decision: d.outcome,
      rule,
      reason,
    },
  });
}
