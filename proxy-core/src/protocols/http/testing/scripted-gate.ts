/**
 * A small real CommandGate for the connector's tests, standing in for the policy gate the gateway wires: DELETE on
 * `/iam/**` is held for review (decided by the test), `/forbidden/**` and JSON bodies with `"role": "admin"` are
 * denied, everything else is allowed. Every check is kept for assertions.
 */
import type { CommandGate, ReviewOutcome, Verdict } from '../../../pipeline/command-gate.types';
import type { HttpCommandToCheck, HttpRequestAction } from '../http-actions';

export interface HeldRequest {
  requestId: string;
  text: string;
  decide(outcome: ReviewOutcome): void;
}

export class ScriptedGate {
  readonly checks: HttpCommandToCheck[] = [];
  readonly held: HeldRequest[] = [];
  /** Whether `close()` cancels held requests (a gate that does not leaves it to the listener to drop them). */
  cancelOnClose = true;
  private seq = 0;
  private waiters: Array<(held: HeldRequest) => void> = [];

  /** One CommandGate per session, sharing this script. */
  forSession(): CommandGate {
    const open = new Set<HeldRequest>();
    return {
      check: (command) => this.check(command as HttpCommandToCheck, open),
      withdraw: (requestId) => {
        for (const h of open) {
          if (h.requestId === requestId)
            h.decide({ approved: false, approver: null, reason: 'withdrawn', status: 'cancelled' });
        }
      },
      close: () => {
        if (!this.cancelOnClose) return;
        for (const h of open) {
          h.decide({ approved: false, approver: null, reason: 'client went away', status: 'cancelled' });
        }
      },
    };
  }

  /** The next request held for review (already held, or the next one to be). */
  nextHeld(): Promise<HeldRequest> {
    const undecided = this.held.find((h) => !(h as { done?: boolean }).done);
    if (undecided) return Promise.resolve(undecided);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private check(command: HttpCommandToCheck, open: Set<HeldRequest>): Verdict {
    this.checks.push(command);
    const action = command.actions[0] as HttpRequestAction;
    if (action.path.startsWith('/forbidden')) {
      return { outcome: 'deny', rule: 'test#2', message: 'requests to /forbidden are not allowed' };
    }
    const body = action.body as { role?: unknown } | undefined;
    if (body?.role === 'admin') return { outcome: 'deny', rule: 'test#3', message: 'granting admin is not allowed' };
    if (action.method === 'DELETE' && action.path.startsWith('/iam/')) return this.review(command, open);
    return { outcome: 'allow', rule: 'test#9' };
  }

  private review(command: HttpCommandToCheck, open: Set<HeldRequest>): Verdict {
    const requestId = `apr_${++this.seq}`;
    let resolve!: (o: ReviewOutcome) => void;
    const decided = new Promise<ReviewOutcome>((r) => {
      resolve = r;
    });
    const held: HeldRequest & { done?: boolean } = {
      requestId,
      text: command.text,
      decide: (outcome) => {
        if (held.done) return;
        held.done = true;
        open.delete(held);
        resolve(outcome);
      },
    };
    open.add(held);
    this.held.push(held);
    for (const w of this.waiters.splice(0)) w(held);
    return { outcome: 'review', rule: 'test#1', requestId, notice: `held for approval as ${requestId}`, decided };
  }
}
