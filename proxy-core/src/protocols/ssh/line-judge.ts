import { parseShellCommand } from '../../shell/shell-command';
import { awaitApproval, type ChannelContext, checkCommand } from './channel-context';
import type { LineVerdict } from './line-gate';

/** A line entered in a shell, judged like an exec (`via: 'line'`), at the frame of the keys that ended it. */
export function judgeLine(
  ctx: ChannelContext,
  line: { text: string; uncertain?: string },
  terminal: boolean,
): LineVerdict {
  const frame = ctx.session.annotate({
    type: 'line',
    text: line.text,
    ...(line.uncertain ? { uncertain: line.uncertain } : {}),
  });
  if (line.uncertain) {
    // What the shell would run is unknown: refused without asking policy (fail closed).
    ctx.session.command({ frame, text: line.text, decision: 'deny', rule: null });
    return {
      outcome: 'deny',
      message: `vigil: line not run: it was edited with ${line.uncertain}, so Vigil cannot tell what it would run; type the command out in full`,
    };
  }
  const verdict = checkCommand(ctx, line.text, 'line', frame);
  switch (verdict.outcome) {
    case 'allow':
      return { outcome: 'allow' };
    case 'deny':
      return { outcome: 'deny', message: `vigil: ${verdict.message}${multiLineHint(line.text, terminal)}` };
    case 'review':
      return {
        outcome: 'review',
        notice: `vigil: held for approval: ${verdict.notice}`,
        decided: awaitApproval(ctx, verdict).then((o) => ({ approved: o.approved, message: `vigil: ${o.message}` })),
        withdraw: () => ctx.gate.withdraw(verdict.requestId),
      };
  }
}

function multiLineHint(text: string, terminal: boolean): string {
  if (!terminal || parseShellCommand(text).incomplete !== true) return '';
  return ' (in a terminal each line is judged on its own: write a compound command on one line)';
}
