import { randomInt } from 'node:crypto';

/** Where a client's CancelRequest must really go. */
export interface UpstreamCancelKey {
  host: string;
  port: number;
  pid: number;
  secret: number;
  sessionId: string;
  /** Set once a CancelRequest went to this backend: its session's upstream is then not kept in a pool. */
  forwarded?: boolean;
  /**
   * Told of each CancelRequest for this key before it goes upstream: a statement Vigil holds for approval is
   * withdrawn. True when that was all there was to cancel (the upstream runs nothing for the session), so the
   * request must not reach the upstream, where it could land on the session's next statement.
   */
  onCancel?: () => boolean;
}

/**
 * The client only ever sees gateway-issued BackendKeyData, so that a cancel key cannot be used to
 * reach an upstream backend the client does not own, and so it can be routed to the right upstream.
 * (In-process map: a CancelRequest must reach the gateway that holds the session.)
 */
export class CancelRegistry {
  private readonly keys = new Map<string, UpstreamCancelKey>();

  issue(upstream: UpstreamCancelKey): { pid: number; secret: number } {
    for (;;) {
      const pid = randomInt(1, 0x7fffffff);
      const secret = randomInt(0, 0x7fffffff);
      const key = `${pid}:${secret}`;
      if (this.keys.has(key)) continue;
      this.keys.set(key, upstream);
      return { pid, secret };
    }
  }

  lookup(pid: number, secret: number): UpstreamCancelKey | undefined {
    return this.keys.get(`${pid}:${secret}`);
  }

  release(pid: number, secret: number): void {
    this.keys.delete(`${pid}:${secret}`);
  }

  get size(): number {
    return this.keys.size;
  }
}
