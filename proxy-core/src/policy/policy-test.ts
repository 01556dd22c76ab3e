/**
 * What `vigil policy test --connection C --principal P [--groups g] "SQL"` prints (issue 3 §2): each statement,
 * the actions found in it with the outcome and rule of each, and the decision with the rule that made it.
 */

import type { Action, ActionDecision, Decision, SqlClassification } from './policy.types';
import { describeAction } from './policy-engine';

const TEXT_WIDTH = 100;

export function formatPolicyTest(sql: string, classification: SqlClassification, decision: Decision): string {
  const lines: string[] = [];
  if (classification.error !== undefined) {
    const at = classification.error.cursorPosition;
    lines.push(`syntax error${at === undefined ? '' : ` at character ${at + 1}`}: ${classification.error.message}`);
    lines.push(`  ${oneLine(sql)}`);
  }
  classification.statements.forEach((stmt, i) => {
    lines.push(`statement ${i + 1}: ${stmt.kind}`);
    lines.push(`  ${oneLine(stmt.text)}`);
    for (const part of stmt.parts.slice(1)) lines.push(`  also ${part.kind} (${part.via})${tablesOf(part.tables)}`);
    for (const part of stmt.deferred)
      lines.push(`  defines for later: ${part.kind} (${part.via})${tablesOf(part.tables)}`);
    for (const note of stmt.notes) lines.push(`  note: ${note}`);
    if (stmt.unparsed !== undefined) lines.push(`  unparsed: ${stmt.unparsed}`);
    for (const d of decision.perAction) if (statementOf(d.action) === i) lines.push(actionLine(d));
  });
  for (const d of decision.perAction) if (statementOf(d.action) === undefined) lines.push(actionLine(d));
  lines.push(`decision: ${decision.outcome.toUpperCase()}${decision.rule === null ? '' : ` (${decision.rule.name})`}`);
  lines.push(`  ${decision.reason}`);
  if (decision.approvers !== undefined)
    lines.push(
      `  approvers: ${decision.approvers.count} of group${decision.approvers.groups.length > 1 ? 's' : ''} ${decision.approvers.groups.join(', ')}`,
    );
  if (decision.timeoutMs !== undefined) lines.push(`  timeout: ${formatMs(decision.timeoutMs)}`);
  return `${lines.join('\n')}\n`;
}

function actionLine(d: ActionDecision): string {
  return `    ${pad(describeAction(d.action), 56)} ${pad(d.outcome, 6)} ${d.rule?.name ?? 'no rule matches'}`;
}

function statementOf(action: Action): number | undefined {
  return 'statementIndex' in action ? action.statementIndex : undefined;
}

function tablesOf(tables: readonly string[]): string {
  return tables.length === 0 ? '' : `: ${tables.join(', ')}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > TEXT_WIDTH ? `${flat.slice(0, TEXT_WIDTH - 1)}…` : flat;
}

function pad(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
