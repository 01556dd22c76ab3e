/**
 * The policy + approval step of the pipeline, as every protocol sees it: a command goes in, a
 * verdict comes out. Protocols never evaluate policy or talk to approvers themselves.
 */
export interface CommandToCheck {
  /** What the agent asked for, as text (SQL, a shell command line, `METHOD /path`). */
  text: string;
  /** How it arrived, e.g. 'query', 'parse', 'bind' (PostgreSQL), 'exec', 'line' (SSH), 'request' (HTTP). */
  via: string;
  /** Recording frame the command arrived in. */
  frame: number;
  /** The prepared statement a Parse creates or a Bind runs ('' = unnamed), where the protocol has them. */
  name?: string;
  /**
   * Whether the command only prepares what later commands run (a PostgreSQL Parse sent without them; an SQL PREPARE
   * is known as such by the interpreter): a review is then for each of those runs, so none is requested now (see
   * `heldWhenRun` in the verdict). Asked only for a review.
   */
  preparesOnly?: () => boolean;
  /**
   * The values of each run the command stands for, as text, where they travel apart from it (PostgreSQL Binds): shown
   * to approvers, and an approval covers exactly these runs.
   */
  runs?: () => Array<Array<string | null>>;
}

/** What the policy found in a command, kept with the decision in the recording, store and audit log. */
export interface VerdictDetail {
  reason: string;
  /** Each action found and its outcome, e.g. `delete public.orders → review (agents-default#2)`. */
  actions: string[];
  /** What the command does, per statement (SQL), program (shell) or request (HTTP): kind and tables/paths. */
  statements: Array<{ kind: string; tables: string[] }>;
}

export type Verdict =
  | {
      outcome: 'allow';
      rule: string | null;
      detail?: VerdictDetail;
      /** A command that only prepares, allowed as such: each command that runs what it prepared is held for review. */
      heldWhenRun?: true;
    }
  | { outcome: 'deny'; rule: string | null; message: string; detail?: VerdictDetail }
  | {
      outcome: 'review';
      rule: string | null;
      detail?: VerdictDetail;
      requestId: string;
      /** Told to the client right away (where the protocol can), e.g. a NoticeResponse. */
      notice: string;
      decided: Promise<ReviewOutcome>;
      /** How many runs (`CommandToCheck.runs`) the request shows the values of, and so covers. */
      runs?: number;
    };

export type ReviewOutcome =
  | { approved: true; approver: string; reason: string }
  | { approved: false; approver: string | null; reason: string; status: 'denied' | 'expired' | 'cancelled' };

export interface CommandGate {
  check(command: CommandToCheck): Verdict;
  /** The agent withdrew a command held for approval (a cancel, Ctrl-C): its request is cancelled. */
  withdraw(requestId: string): void;
  /** The client went away: cancel whatever it still has waiting. */
  close(): void;
}
