import type { Principal, Role } from '../../identity/identity.types';
import type { Logger } from '../../logger';
import type { CommandGate } from '../../pipeline/command-gate.types';
import type { OpenSessionInput, RecordedSession } from '../../pipeline/recorded-session.types';

/** An `ssh` connection from config, with its upstream secret already resolved (never logged). */
export interface SshConnection {
  name: string;
  upstream: {
    host: string;
    port: number;
    user: string;
    /** Path of the private key Vigil logs in with (OpenSSH or PEM format). */
    privateKeyFile?: string | undefined;
    password?: string | undefined;
    /** The upstream's host key, pinned: `ssh-ed25519 AAAA…` (as in known_hosts, without the host name). */
    hostKey: string;
    connectTimeoutMs?: number | undefined;
  };
  policy: string;
}

/** A public key registered to a principal in config: that principal logs in with the key, no token needed. */
export interface AuthorizedKey {
  principal: { sub: string; groups?: string[]; roles: Role[]; name?: string; email?: string };
  /** `ssh-ed25519 AAAA… [comment]`. */
  key: string;
}

/** A secret found in terminal output: where it is in the plain text given, what replaces it, and the rule. */
export interface OutputMaskSpan {
  start: number;
  end: number;
  replacement: string;
  rule: string;
}

/** Finds secrets in plain text (escape sequences already removed). */
export type OutputMask = (text: string) => OutputMaskSpan[];

export interface SshAuthFailure {
  connection: string;
  clientAddr: string;
  /** `unknown_connection`, `no_role`, `unknown_key`, a token AuthFailure code, `too_many_attempts`. */
  code: string;
  reason: string;
  user: string;
}

export interface SshListenerOptions {
  host: string;
  port: number;
  /** The gateway's own host keys (see `loadOrCreateHostKey`). */
  hostKeys: Buffer[];
  logger: Logger;
  findConnection(name: string): SshConnection | undefined;
  verifyToken(token: string): Promise<Principal>;
  authorizedKeys?: AuthorizedKey[];
  /** Audit an authentication failure (no session exists yet). */
  authFailed(info: SshAuthFailure): void;
  /** Audit something refused outside policy (port / agent / X11 forwarding), e.g. `store.appendAudit`. */
  audit?: (event: {
    type: string;
    actor: string;
    sessionId: string;
    connection: string;
    data: Record<string, string>;
  }) => void;
  /** Opens the recorded session; throws when it cannot be recorded (the agent is refused: fail closed). */
  openSession(input: OpenSessionInput): RecordedSession;
  gateFor(session: RecordedSession, connection: SshConnection): CommandGate;
  /** Masking of secrets in what the agent receives on terminal and exec channels (not SFTP file data). */
  maskOutput?: (connection: SshConnection) => OutputMask | undefined;
  /** Reads the upstream private key file (default: fs.readFileSync). */
  readFile?: (path: string) => Buffer;
  /** From TCP connect to the end of authentication; default 30 s. */
  authTimeoutMs?: number;
  /** Failed authentication attempts before the connection is closed; default 6 (OpenSSH's MaxAuthTries). */
  maxAuthTries?: number;
  maxSessions?: number;
}
