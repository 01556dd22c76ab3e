import type { PacketAuditRange } from '@vigil/recordings';
import type { AuditEvent } from '../audit/audit.types';
import { type OcsfOptions, toOcsf } from '../audit/ocsf';
import type { Store } from '../store/store.types';

const PAGE = 10_000;
const encoder = new TextEncoder();

/**
 * The packet's audit range: from the first event of any of its sessions to the export event itself. Events
 * of other sessions inside the range are omitted (by seq run), so the range stays checkable without
 * disclosing them. Reads the store page by page; `lines()` streams the same events as OCSF JSONL.
 */
export class PacketAuditRangeBuilder {
  readonly range: PacketAuditRange;

  constructor(
    private readonly store: Store,
    private readonly sessionIds: ReadonlySet<string>,
    private readonly exportEvent: AuditEvent,
    private readonly ocsf: OcsfOptions,
    file: string,
  ) {
    let fromSeq = exportEvent.seq;
    let prevHash = exportEvent.prevHash;
    for (const id of sessionIds) {
      const first = store.listAudit({ sessionId: id, limit: 1 })[0];
      if (first && first.seq < fromSeq) {
        fromSeq = first.seq;
        prevHash = first.prevHash;
      }
    }
    this.range = {
      file,
      fromSeq,
      toSeq: exportEvent.seq,
      prevHash,
      headHash: exportEvent.hash,
      events: 0,
      omitted: [],
      lineFormat: 'ocsf+vigil',
    };
  }

  /** The included events as OCSF JSON lines; fills in `range.events` and `range.omitted` as it goes. */
  async *lines(): AsyncIterable<Uint8Array> {
    const { range } = this;
    let expected = range.fromSeq;
    for (let after = range.fromSeq - 1; after < range.toSeq; ) {
      const page = this.store.listAudit({ afterSeq: after, untilSeq: range.toSeq, limit: PAGE });
      if (page.length === 0) break;
      let text = '';
      for (const event of page) {
        after = event.seq;
        if (!this.includes(event)) continue;
        if (event.seq > expected) range.omitted.push({ fromSeq: expected, toSeq: event.seq - 1 });
        expected = event.seq + 1;
        range.events++;
        text += `${JSON.stringify(toOcsf(event, this.ocsf))}\n`;
      }
      if (text !== '') yield encoder.encode(text);
    }
    if (expected !== range.toSeq + 1) throw new Error(`audit log ends at seq ${expected - 1}, expected ${range.toSeq}`);
  }

  private includes(event: AuditEvent): boolean {
    return (
      event.seq === this.exportEvent.seq || (event.sessionId !== undefined && this.sessionIds.has(event.sessionId))
    );
  }
}
