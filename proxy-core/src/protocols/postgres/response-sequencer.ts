/**
 * Keeps replies the gateway makes up (a denied statement's ErrorResponse) in the order the client
 * expects them relative to the upstream's replies.
 *
 * Every simple Query and every Sync that reaches the upstream is answered by exactly one
 * ReadyForQuery (protocol-flow §55.2.2, §55.2.3). The client reads replies in the order it sent its
 * requests, so a reply for a request the gateway answered itself must wait until every upstream
 * ReadyForQuery owed for earlier requests has been passed on.
 * @see https://www.postgresql.org/docs/current/protocol-flow.html
 */
export type SyntheticReply = (lastStatus: number) => Uint8Array;

/**
 * A statement that fails, sent upstream in place of a refused one so that the server's transaction fails as it would
 * have for the refused statement; its error (recognised by `token`) reaches the client as the refusal, `error`.
 */
export interface Poison {
  token: string;
  error: Uint8Array;
}

type Entry =
  | { kind: 'upstream'; before: SyntheticReply[]; errored?: boolean; poison?: Poison }
  | { kind: 'synthetic'; reply: SyntheticReply };

export class ResponseSequencer {
  private readonly queue: Entry[] = [];
  private pendingInjection: SyntheticReply[] = [];
  private pendingPoison: Poison | undefined;
  /** Transaction status byte of the upstream's last ReadyForQuery ('I', 'T' or 'E'). */
  lastStatus = 0x49;

  /** A Query or Sync (or a poison Query) was forwarded: the upstream owes one ReadyForQuery. */
  forwardedSyncPoint(poison?: Poison): void {
    const stands = poison ?? this.pendingPoison;
    this.queue.push({ kind: 'upstream', before: this.pendingInjection, ...(stands ? { poison: stands } : {}) });
    this.pendingInjection = [];
    this.pendingPoison = undefined;
  }

  /** A refused message of the batch went upstream as `poison` (see {@link Poison}); the batch's Sync comes later. */
  poisonBatch(poison: Poison): void {
    this.pendingPoison ??= poison;
  }

  /**
   * The gateway answers a whole request itself (a denied simple Query): emitted now if nothing is
   * owed by the upstream, else right after the ReadyForQuery owed for the requests before it.
   */
  reply(reply: SyntheticReply): Uint8Array[] {
    if (this.queue.length === 0) return [reply(this.lastStatus)];
    this.queue.push({ kind: 'synthetic', reply });
    return [];
  }

  /**
   * A message inside an extended-protocol batch was refused: its error goes just before the
   * ReadyForQuery that answers the batch's Sync (which the gateway still forwards).
   */
  injectBeforeNextSyncReply(reply: SyntheticReply): void {
    this.pendingInjection.push(reply);
  }

  /**
   * The upstream sent an ErrorResponse (`error`, whole) for the request it is answering: returns what the client
   * gets. In a batch, the messages the gateway refused came after everything it forwarded, so the server would have
   * skipped them: like the server, the client then hears of the first error only.
   */
  upstreamError(error: Uint8Array): Uint8Array {
    const head = this.queue[0];
    if (head?.kind !== 'upstream') return error;
    const first = head.errored !== true;
    head.errored = true;
    // The poison's own error stands for the refusal; an earlier error in the batch is the server's to report.
    if (first && head.poison !== undefined && Buffer.from(error).includes(head.poison.token)) return head.poison.error;
    return error;
  }

  /** Bytes to send to the client just before an upstream ReadyForQuery with this status. */
  beforeReadyForQuery(): Uint8Array[] {
    const head = this.queue[0];
    if (head?.kind !== 'upstream' || head.errored) return [];
    return head.before.map((r) => r(this.lastStatus));
  }

  /** An upstream ReadyForQuery was passed on: returns the made-up replies that were waiting for it. */
  afterReadyForQuery(status: number): Uint8Array[] {
    this.lastStatus = status;
    if (this.queue[0]?.kind === 'upstream') this.queue.shift();
    const out: Uint8Array[] = [];
    while (this.queue[0]?.kind === 'synthetic') {
      const entry = this.queue.shift() as Extract<Entry, { kind: 'synthetic' }>;
      out.push(entry.reply(this.lastStatus));
    }
    return out;
  }

  /** Number of ReadyForQuery messages the upstream still owes. */
  get owed(): number {
    return this.queue.filter((e) => e.kind === 'upstream').length;
  }
}
