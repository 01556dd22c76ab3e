import type { Store } from '../store/store.types';
import type { AuditEvent } from './audit.types';
import { type OcsfOptions, toOcsf } from './ocsf';

export type AuditExportFormat = 'ocsf' | 'jsonl';

export interface AuditExportOptions {
  /** Events with time >= since (ISO). */
  since?: string;
  /** Events after this seq (resume an export). */
  afterSeq?: number;
  /** `ocsf`: OCSF events carrying the chained event in `unmapped.vigil`; `jsonl`: the chained events as stored. */
  format: AuditExportFormat;
  ocsf?: OcsfOptions;
}

const PAGE = 5000;

/** The audit log as JSON lines, in seq order, page by page (memory stays flat for any log size). */
export async function* auditExportLines(
  store: Pick<Store, 'listAudit'>,
  opts: AuditExportOptions,
): AsyncIterable<string> {
  for (let after = opts.afterSeq ?? 0; ; ) {
    const page = store.listAudit({ afterSeq: after, limit: PAGE, ...(opts.since ? { since: opts.since } : {}) });
    if (page.length === 0) return;
    yield page.map((e) => `${JSON.stringify(formatEvent(e, opts))}\n`).join('');
    after = page.at(-1)?.seq ?? after;
  }
}

export function formatEvent(event: AuditEvent, opts: Pick<AuditExportOptions, 'format' | 'ocsf'>): unknown {
  return opts.format === 'ocsf' ? toOcsf(event, opts.ocsf) : event;
}

/** A protocolOf for the OCSF mapper that asks the store once per session. */
export function sessionProtocols(store: Pick<Store, 'getSession'>): (sessionId: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (id) => {
    if (!cache.has(id)) {
      if (cache.size > 10_000) cache.clear();
      cache.set(id, store.getSession(id)?.protocol);
    }
    return cache.get(id);
  };
}
