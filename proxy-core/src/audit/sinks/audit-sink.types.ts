import type { AuditEvent } from '../audit.types';

/**
 * Where audit events go besides the store (a SIEM, a file, a webhook). A sink only transports: which events are
 * due, retries and the durable position are the forwarder's (AuditForwarder).
 */
export interface AuditSink {
  /** `type:name`, for logs and status. */
  readonly name: string;
  /**
   * Delivers `events` (in seq order) and resolves once the receiver has them, as far as the transport can tell
   * (an HTTP 2xx, a flushed and fsynced file, bytes handed to TCP). Throws to have the batch retried.
   */
  deliver(events: readonly AuditEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** A failure worth retrying vs. one that is the configuration's fault (logged as such, still retried). */
export class SinkError extends Error {
  override name = 'SinkError';
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}
