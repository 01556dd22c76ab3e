import type { Client, ClientChannel, PseudoTtyOptions } from 'ssh2';
import type { Logger } from '../../logger';
import type { CommandGate, ReviewOutcome, Verdict } from '../../pipeline/command-gate.types';
import type { RecordedSession } from '../../pipeline/recorded-session.types';
import { decidedAnnotation, notApprovedWhy } from '../../pipeline/review-outcome';
import type { OutputMask } from './ssh.types';

/**
 * Recording channels of an SSH session (RecordedSession `channel`): what the agent typed and the terminal it saw
 * on 0, an exec's stdout on 1, stderr on 2, SFTP packets on 3.
 */
export const RecordChannel = { terminal: 0, stdout: 1, stderr: 2, sftp: 3 } as const;

/** What an exec or shell asked for before it started. */
export interface ProcessRequest {
  pty: PseudoTtyOptions | undefined;
  env: Record<string, string>;
  /** Called with the upstream channel once it runs (for window changes and signals). */
  started(up: ClientChannel): void;
}

/** What every channel of one agent connection shares. */
export interface ChannelContext {
  session: RecordedSession;
  gate: CommandGate;
  log: Logger;
  maskOutput: OutputMask | undefined;
  /** The logged-in upstream; rejects with a message for the agent when it could not be reached. */
  upstream(): Promise<Client>;
  /** False once the session ends or its recording failed: nothing more may be forwarded. */
  readonly live: boolean;
  /** Why the session cannot run anything (set once `live` is false). */
  readonly ended: string;
  /** Registers a running channel so the session can end it (terminate, recording failure); returns the unregister. */
  track(abort: (message: string) => void): () => void;
}

/**
 * Asks policy about a command and records it with the decision. A gate that throws is a policy that cannot be
 * evaluated: the command is refused (fail closed).
 */
export function checkCommand(ctx: ChannelContext, text: string, via: string, frame: number): Verdict {
  let verdict: Verdict;
  try {
    verdict = ctx.gate.check({ text, via, frame });
  } catch (err) {
    ctx.log.error('policy evaluation failed', { err });
    verdict = {
      outcome: 'deny',
      rule: null,
      message: 'Vigil could not evaluate policy for this command, so it was not run',
    };
  }
  ctx.session.command({
    frame,
    text,
    decision: verdict.outcome,
    rule: verdict.rule,
    ...(verdict.detail ? { detail: verdict.detail } : {}),
    ...(verdict.outcome === 'review' ? { requestId: verdict.requestId } : {}),
  });
  return verdict;
}

/** Waits for an approver, records the decision, and says what the agent is told when it is not approved. */
export async function awaitApproval(
  ctx: ChannelContext,
  verdict: Extract<Verdict, { outcome: 'review' }>,
): Promise<{ approved: boolean; message: string }> {
  let outcome: ReviewOutcome;
  try {
    outcome = await verdict.decided;
  } catch (err) {
    ctx.log.error('approval wait failed', { err });
    return {
      approved: false,
      message: `the approval of request ${verdict.requestId} could not be completed, so the command was not run`,
    };
  }
  ctx.session.annotate(decidedAnnotation(verdict.requestId, outcome));
  if (outcome.approved) return { approved: true, message: '' };
  if (outcome.status === 'cancelled') {
    return { approved: false, message: `withdrawn, not run; approval request ${verdict.requestId} cancelled` };
  }
  return { approved: false, message: `not approved (${notApprovedWhy(outcome)}); request ${verdict.requestId}` };
}
