import type { Principal } from '../../identity/identity.types';
import type { Logger } from '../../logger';
import type { CommandGate } from '../../pipeline/command-gate.types';
import type { OpenSessionInput, RecordedSession } from '../../pipeline/recorded-session.types';

/** AWS credentials for SigV4 re-signing (resolved secrets). */
export interface SigV4Credentials {
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How Vigil authenticates to the upstream API; exactly what the agent never sees. */
export interface UpstreamAuth {
  bearer?: string;
  basic?: { user: string; password: string };
  header?: { name: string; value: string };
  sigv4?: SigV4Credentials;
}

/** An `http` connection as the listener needs it, with its secrets already resolved by the gateway. */
export interface HttpConnection {
  name: string;
  upstream: { url: string; auth?: UpstreamAuth };
  masking?: {
    /** `$.users[*].email`, `$..password`, `$.items[0].card` … (see json-path.ts). */
    jsonPaths?: string[];
    /** How a value found by path is masked; default `redact`. */
    style?: 'redact' | 'partial';
    /** This connection's content detectors (its policy's); default: the listener's `maskText`. */
    maskText?: TextMasker;
  };
}

/** One masked span, as UTF-16 offsets into the text given to the masker. */
export interface TextMask {
  rule: string;
  start: number;
  end: number;
  replacement: string;
}

/**
 * Content detectors (email, card numbers, keys …) over free text. `text` is the input with every mask applied;
 * `masks` are sorted, non-overlapping, in input offsets.
 */
export type TextMasker = (text: string) => { text: string; masks: readonly TextMask[] };

export interface AuthFailureInfo {
  connection: string;
  clientAddr: string;
  code: string;
  reason: string;
  /** The principal's `sub` when the token itself was valid (e.g. an unknown connection), else ''. */
  user: string;
}

export interface HttpListenerOptions {
  host: string;
  port: number;
  logger: Logger;
  findConnection(name: string): HttpConnection | undefined;
  /** Every http connection: the forward-proxy mode finds the one whose upstream host the agent asked for. */
  listConnections(): readonly HttpConnection[];
  verifyToken(token: string): Promise<Principal>;
  authFailed(info: AuthFailureInfo): void;
  /** Throws when the session cannot be recorded: the request is refused with 503 (fail closed). */
  openSession(input: OpenSessionInput): RecordedSession;
  gateFor(session: RecordedSession, connection: HttpConnection): CommandGate;
  maskText?: TextMasker;
  limits?: Partial<HttpLimits>;
}

export interface HttpLimits {
  /** Request bodies up to this size are held in memory (review, SigV4 payload hash, JSON policy); default 8 MiB. */
  maxBufferedRequestBytes: number;
  /** JSON responses up to this size are masked by JSON path; larger ones by detectors, chunk by chunk; default 8 MiB. */
  maxBufferedResponseBytes: number;
  /** Request bodies up to this size are parsed as JSON for policy (`body` of the action); default 1 MiB. */
  maxPolicyBodyBytes: number;
  /** No bytes from the upstream for this long ends the exchange with 504; default 120 s. */
  upstreamIdleTimeoutMs: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  maxBufferedRequestBytes: 8 * 1024 * 1024,
  maxBufferedResponseBytes: 8 * 1024 * 1024,
  maxPolicyBodyBytes: 1024 * 1024,
  upstreamIdleTimeoutMs: 120_000,
};

export interface HttpListener {
  address: { host: string; port: number };
  /** Stops listening, closes every client connection and waits for their sessions to be sealed. */
  close(): Promise<void>;
}
