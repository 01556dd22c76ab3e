import { computeAuditHash, type Sha256Hex } from '../audit/audit-chain';
import type { ChainedAuditEvent } from '../audit/audit-event.types';
import type { PacketAuditRange } from './packet.types';

/**
 * Checks a packet's audit events against the range its manifest declares (see PacketAuditRange): fed
 * event by event in file order, so a large range never sits in memory. Stops at the first problem.
 */
export class AuditRangeCheck {
  private expectedSeq: number;
  private prevHash: string;
  /** True right after an omitted run: the next event's prevHash cannot be checked from the packet. */
  private linkUnknown = false;
  private omittedIndex = 0;
  private count = 0;
  private lastSeq = 0;
  private lastHash = '';
  problem: string | undefined;

  constructor(
    private readonly range: PacketAuditRange,
    private readonly sha256Hex: Sha256Hex,
  ) {
    this.expectedSeq = range.fromSeq;
    this.prevHash = range.prevHash;
    const bad = range.omitted.findIndex(
      (o, i) => o.fromSeq > o.toSeq || (i > 0 && o.fromSeq <= (range.omitted[i - 1]?.toSeq ?? 0)),
    );
    if (bad >= 0) this.problem = `manifest's omitted run ${bad} is empty or out of order`;
  }

  /** `line` is the 1-based line number, for messages. */
  push(event: ChainedAuditEvent, line: number): void {
    if (this.problem) return;
    this.skipOmitted();
    const at = `line ${line} (seq ${event.seq})`;
    if (event.seq !== this.expectedSeq) {
      this.problem =
        event.seq > this.expectedSeq
          ? `${at}: events ${this.expectedSeq}–${event.seq - 1} are missing and not declared omitted`
          : `${at}: expected seq ${this.expectedSeq}; events duplicated or out of order`;
      return;
    }
    if (!this.linkUnknown && event.prevHash !== this.prevHash) {
      const what = event.seq === this.range.fromSeq ? "the manifest's range prevHash" : `seq ${event.seq - 1}'s hash`;
      this.problem = `${at}: prevHash ${event.prevHash} does not link to ${what} ${this.prevHash}`;
      return;
    }
    let hash: string;
    try {
      hash = computeAuditHash(event, this.sha256Hex);
    } catch (err) {
      this.problem = `${at}: cannot canonicalize event (${(err as Error).message})`;
      return;
    }
    if (hash !== event.hash) {
      this.problem = `${at}: hash mismatch (stored ${event.hash}, computed ${hash}): the event was altered`;
      return;
    }
    this.prevHash = event.hash;
    this.linkUnknown = false;
    this.expectedSeq++;
    this.count++;
    this.lastSeq = event.seq;
    this.lastHash = event.hash;
  }

  fail(problem: string): void {
    this.problem ??= problem;
  }

  /** The verdict once every line was pushed. */
  finish(): { ok: boolean; detail: string } {
    if (!this.problem) {
      this.skipOmitted();
      const { range } = this;
      if (this.expectedSeq !== range.toSeq + 1) {
        this.problem = `events end at seq ${this.expectedSeq - 1} but the range ends at ${range.toSeq}: the audit log was truncated`;
      } else if (this.lastSeq === range.toSeq && this.lastHash !== range.headHash) {
        this.problem = `seq ${range.toSeq} hash ${this.lastHash} is not the manifest's head ${range.headHash}`;
      } else if (this.count !== range.events) {
        this.problem = `${this.count} events, manifest says ${range.events}`;
      }
    }
    if (this.problem) return { ok: false, detail: this.problem };
    const omitted = this.range.omitted.reduce((n, o) => n + o.toSeq - o.fromSeq + 1, 0);
    return {
      ok: true,
      detail: `seq ${this.range.fromSeq}–${this.range.toSeq} intact: ${this.count} events checked${omitted > 0 ? `, ${omitted} of other sessions omitted` : ''}; head ${this.range.headHash}`,
    };
  }

  private skipOmitted(): void {
    for (let o = this.range.omitted[this.omittedIndex]; o && o.fromSeq === this.expectedSeq; ) {
      this.expectedSeq = o.toSeq + 1;
      this.linkUnknown = true;
      o = this.range.omitted[++this.omittedIndex];
    }
  }
}
