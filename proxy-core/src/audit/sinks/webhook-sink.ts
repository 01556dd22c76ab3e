import { createHmac } from 'node:crypto';
import type { AuditEvent } from '../audit.types';
import { type AuditExportFormat, formatEvent } from '../audit-export';
import type { OcsfOptions } from '../ocsf';
import { type AuditSink, SinkError } from './audit-sink.types';

export interface WebhookSinkOptions {
  name: string;
  url: string;
  /** HMAC-SHA256 key: receivers check `x-vigil-signature` before trusting a batch. */
  secret: string;
  format: AuditExportFormat;
  timeoutMs?: number;
  ocsf?: OcsfOptions;
}

/**
 * POSTs each batch as `{"events":[…]}`. Headers: `x-vigil-timestamp` (epoch seconds), `x-vigil-signature:
 * sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` (so a replayed or altered body fails), and
 * `idempotency-key: vigil-audit-<first seq>-<last seq>` for receivers that dedupe retried batches.
 */
export class WebhookSink implements AuditSink {
  readonly name: string;

  constructor(private readonly opts: WebhookSinkOptions) {
    this.name = `webhook:${opts.name}`;
  }

  async deliver(events: readonly AuditEvent[]): Promise<void> {
    const body = JSON.stringify({ events: events.map((e) => formatEvent(e, this.opts)) });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', this.opts.secret).update(`${timestamp}.${body}`).digest('hex');
    const res = await fetch(this.opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'vigil-audit',
        'x-vigil-timestamp': timestamp,
        'x-vigil-signature': `sha256=${signature}`,
        'idempotency-key': `vigil-audit-${events[0]?.seq}-${events.at(-1)?.seq}`,
      },
      body,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
    });
    await res.body?.cancel();
    if (!res.ok)
      throw new SinkError(
        `webhook answered HTTP ${res.status}`,
        res.status >= 400 && res.status < 500 && res.status !== 429,
      );
  }

  async close(): Promise<void> {}
}

/** For receivers (and tests): true when `signature` is this body's, made within `maxAgeSec`. */
export function webhookSignatureValid(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
  maxAgeSec = 300,
): boolean {
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > maxAgeSec) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return expected.length === signature.length && expected === signature;
}
