import { hostname } from 'node:os';
import type { AuditEvent } from '../audit.types';
import { type AuditExportFormat, formatEvent } from '../audit-export';
import type { OcsfOptions } from '../ocsf';
import { type AuditSink, SinkError } from './audit-sink.types';

export interface SplunkHecSinkOptions {
  name: string;
  /** The HEC base URL, e.g. `https://splunk.example.com:8088`. */
  url: string;
  token: string;
  index?: string;
  source?: string;
  sourcetype?: string;
  format: AuditExportFormat;
  timeoutMs?: number;
  ocsf?: OcsfOptions;
}

/**
 * Splunk HTTP Event Collector: one POST per batch to `/services/collector/event`, the events back to back as
 * HEC event objects, `Authorization: Splunk <token>`. Success is HTTP 200 with `{"code":0}`.
 * @see https://docs.splunk.com/Documentation/Splunk/latest/Data/FormateventsforHTTPEventCollector
 */
export class SplunkHecSink implements AuditSink {
  readonly name: string;
  private readonly host = hostname();

  constructor(private readonly opts: SplunkHecSinkOptions) {
    this.name = `splunk-hec:${opts.name}`;
  }

  async deliver(events: readonly AuditEvent[]): Promise<void> {
    const body = events
      .map((e) =>
        JSON.stringify({
          time: Date.parse(e.time) / 1000,
          host: this.host,
          source: this.opts.source ?? 'vigil',
          sourcetype: this.opts.sourcetype ?? (this.opts.format === 'ocsf' ? 'vigil:audit:ocsf' : 'vigil:audit'),
          ...(this.opts.index ? { index: this.opts.index } : {}),
          fields: { vigil_seq: e.seq, vigil_hash: e.hash },
          event: formatEvent(e, this.opts),
        }),
      )
      .join('\n');
    const res = await fetch(new URL('/services/collector/event', this.opts.url), {
      method: 'POST',
      headers: { authorization: `Splunk ${this.opts.token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let code: unknown;
    try {
      code = (JSON.parse(text) as { code?: unknown }).code;
    } catch {
      code = undefined;
    }
    if (res.status !== 200 || code !== 0) {
      throw new SinkError(
        `Splunk HEC answered HTTP ${res.status}: ${text.slice(0, 200)}`,
        res.status === 401 || res.status === 403,
      );
    }
  }

  async close(): Promise<void> {}
}
