import type { Principal } from '../identity/identity.types';
import type { CommandDecision, Protocol, Session } from '../store/store.types';
import type { VerdictDetail } from './command-gate.types';

/**
 * A session as every protocol sees it once identity and connection are settled: it records what the
 * client sent and what the client received, annotations, and commands, and ends exactly once.
 * Created by the pipeline (`openRecordedSession`), so no protocol writes the store, audit or
 * recording itself.
 */
export interface RecordedSession {
  readonly id: string;
  readonly principal: Principal;
  readonly connection: string;
  /** Records bytes sent by the client; returns the frame number. */
  clientBytes(data: Uint8Array, channel?: number): number;
  /** Records bytes the client received (after masking); returns the frame number. */
  serverBytes(data: Uint8Array, channel?: number): number;
  /** Terminal size change (terminal protocols). */
  resize(cols: number, rows: number): number;
  annotate(value: { type: string } & Record<string, unknown>): number;
  /** A command and the decision on it: annotation, store (for search) and audit. */
  command(entry: {
    frame: number;
    text: string;
    decision: CommandDecision;
    rule: string | null;
    /** What policy found (from the verdict). */
    detail?: VerdictDetail;
    /** The approval request of a held command. */
    requestId?: string;
    /** Protocol-specific facts kept with the command in the store (e.g. the HTTP action). */
    actions?: unknown;
  }): void;
  countMasked(n: number): void;
  /** Step mode: every command is held for approval (set from the control API). */
  stepMode: boolean;
  /**
   * Backpressure from the recording: undefined while the recorder keeps up, else a promise that
   * resolves once its write queue has drained. Protocols stop reading their upstream meanwhile.
   */
  whenWritable(): Promise<void> | undefined;
  /** Ends the recording and the session; idempotent. */
  end(reason: string, status?: 'ended' | 'failed'): Promise<Session | undefined>;
  /** Called once if the recording can no longer be written: the protocol must stop forwarding at once. */
  onFailure(listener: (err: Error) => void): void;
  /** Asked by the control API to terminate; the protocol closes both sides. */
  onTerminate(listener: (reason: string) => void): void;
}

export interface OpenSessionInput {
  protocol: Protocol;
  connection: string;
  principal: Principal;
  clientAddr: string;
  upstream: string;
  /** Extra header fields for the recording (e.g. terminal size). */
  header?: Record<string, unknown>;
}
