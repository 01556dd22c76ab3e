import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { PostgresConnectionConfig } from '../../config/config';
import type { AuthError, Principal } from '../../identity/identity.types';
import type { Logger } from '../../logger';
import type { CommandGate, Verdict } from '../../pipeline/command-gate.types';
import type { OpenSessionInput, RecordedSession } from '../../pipeline/recorded-session.types';
import { decidedAnnotation, notApprovedWhy } from '../../pipeline/review-outcome';
import { createPreparedStatements, type PreparedStatements, type ServerAnswer } from '../../policy';
import { bindRuns } from './bind-parameters';
import type { CancelRegistry } from './cancel-registry';
import { joined } from './coalesce';
import {
  BackendCode,
  FrontendCode,
  MessageFramer,
  PgError,
  type PgFrame,
  ProtocolError,
  parseCommandComplete,
  parseStartupPacket,
  pgNotice,
  SqlState,
  serializeAuthenticationCleartextPassword,
  serializeAuthenticationOk,
  serializeBackendKeyData,
  serializeNegotiateProtocolVersion,
  serializeParameterStatus,
  serializeParse,
  serializeQuery,
  serializeReadyForQuery,
} from './codec';
import {
  bindsAhead,
  closedStatement,
  coverRuns,
  type ExtendedState,
  frontendCommand,
  judgedForBatch,
  reviewWhenRun,
} from './frontend-commands';
import { type Poison, ResponseSequencer } from './response-sequencer';
import type { ResultMasker } from './result-masker.types';
import { checkStartupParams } from './startup-options';
import { unsafeSetting } from './unsafe-setting';
import type { UpstreamConnection, UpstreamError, UpstreamTarget } from './upstream-connector';
import type { UpstreamPool } from './upstream-pool';

/** Backend messages that tell how the prepared-statement namespace changed (CommandComplete needs its tag). */
const SERVER_ANSWERS: Readonly<Record<number, ServerAnswer>> = {
  [BackendCode.ParseComplete]: 'parse-complete',
  [BackendCode.CloseComplete]: 'close-complete',
  [BackendCode.ErrorResponse]: 'error',
  [BackendCode.ReadyForQuery]: 'ready',
};

export interface PgSessionDeps {
  logger: Logger;
  maxMessageBytes: number;
  /** Larger Query and Parse messages are refused unparsed (see `limits.maxStatementBytes`). */
  maxStatementBytes: number;
  authTimeoutMs: number;
  tls: SecureContext | undefined;
  findConnection(name: string): PostgresConnectionConfig | undefined;
  upstreamTarget(connection: PostgresConnectionConfig): UpstreamTarget;
  verifyToken(token: string): Promise<Principal>;
  /** Audit an authentication failure (no session exists yet). */
  authFailed(info: { connection: string; clientAddr: string; code: string; reason: string; user: string }): void;
  openSession(input: OpenSessionInput): RecordedSession;
  /** May read the upstream's catalog first (built-in functions), hence async. */
  /** The gate judges Binds and EXECUTEs by `prepared`, which the session keeps in step with the server's answers. */
  gateFor(
    session: RecordedSession,
    connection: PostgresConnectionConfig,
    prepared: PreparedStatements,
  ): Promise<CommandGate>;
  maskerFor(session: RecordedSession, connection: PostgresConnectionConfig): Promise<ResultMasker | undefined>;
  cancels: CancelRegistry;
  forwardCancel(pid: number, secret: number): void;
  /** Dials upstream connections and, for connections configured to pool, keeps them between sessions. */
  upstreams: UpstreamPool;
}

/** Where a connection is in its life: one switch over this decides what a client message means. */
enum Step {
  Startup,
  Password,
  Authenticating,
  Connecting,
  Relaying,
  Closed,
}

const EMPTY = new Uint8Array(0);
/** How much of a statement too large to read is kept in its command annotation (the recording has every byte). */
const STATEMENT_EXCERPT = 4096;

/**
 * One agent connection: startup and token authentication on the client side, the upstream dialled
 * with the stored credential, then message-by-message relay through policy (CommandGate), masking
 * (ResultMasker) and recording, with backpressure both ways.
 */
export class PgSession {
  private step = Step.Startup;
  private client: Socket | TLSSocket;
  private readonly framer: MessageFramer;
  private readonly clientAddr: string;
  private params: Record<string, string> = {};
  /** `params` as the upstream may get them (see checkStartupParams). */
  private upstreamParams: Record<string, string> = {};
  private connection: PostgresConnectionConfig | undefined;
  private upstream: UpstreamConnection | undefined;
  private session: RecordedSession | undefined;
  private gate: CommandGate | undefined;
  private masker: ResultMasker | undefined;
  private readonly sequencer = new ResponseSequencer();
  private readonly extended: ExtendedState = { statements: new Map(), skipUntilSync: false };
  private readonly prepared = createPreparedStatements();
  /** Extended-protocol messages that may fail went upstream since the last Sync. */
  private batchOpen = false;
  private issuedKey: { pid: number; secret: number } | undefined;
  private authTimer: NodeJS.Timeout | undefined;
  /** The approval request of a held statement: nothing more from the client is processed until it is decided. */
  private heldRequest: string | undefined;
  /** A Query or Parse read from the client that waits for the masking catalog to be read again, then is judged. */
  private awaitingCatalog: PgFrame | undefined;
  private readingCatalog = false;
  /** Messages forwarded since the last Query or Sync: the upstream owes an answer the client never asked for. */
  private unsynced = 0;
  private upstreamHandlers:
    | { data(chunk: Buffer): void; drain(): void; close(): void; error(err: Error): void }
    | undefined;
  private target: UpstreamTarget | undefined;
  private log: Logger;

  constructor(
    socket: Socket,
    private readonly deps: PgSessionDeps,
  ) {
    this.client = socket;
    this.clientAddr = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.log = deps.logger.child({ client: this.clientAddr });
    this.framer = new MessageFramer({ startup: true, maxMessageSize: deps.maxMessageBytes });
    socket.setNoDelay(true);
    this.attachClient(socket);
    this.authTimer = setTimeout(
      () => this.fatal(SqlState.CONNECTION_FAILURE, 'authentication timed out'),
      deps.authTimeoutMs,
    );
  }

  private attachClient(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => this.onClientData(chunk));
    socket.on('drain', () => this.upstream?.socket.resume());
    socket.on('close', () => void this.shutdown('client disconnected', 'ended', true));
    // ECONNRESET / EPIPE from a client that went away: 'close' follows and ends the session.
    socket.on('error', (err) => this.log.debug('client socket error', { err }));
  }

  private onClientData(chunk: Buffer): void {
    if (this.step === Step.Closed) return;
    try {
      this.framer.push(chunk);
      this.drainClientFrames();
    } catch (err) {
      if (err instanceof ProtocolError) this.fatal(err.sqlState, err.message);
      else if (err instanceof Error && err.name === 'RangeError')
        this.fatal(SqlState.PROTOCOL_VIOLATION, `malformed message: ${err.message}`);
      else {
        this.log.error('internal error handling client data', { err });
        this.fatal(SqlState.INTERNAL_ERROR, 'internal gateway error; the session was closed');
      }
    }
  }

  private drainClientFrames(): void {
    switch (this.step) {
      case Step.Startup:
      case Step.Password:
        for (let frame = this.framer.next(); frame; frame = this.framer.next()) {
          if (this.step === Step.Startup) this.onStartupPacket(frame.payload, frame.bytes);
          else this.onPassword(frame.code, frame.payload);
          if (!this.inStartup()) break;
        }
        return;
      case Step.Relaying:
        this.relayClientFrames();
        return;
      default:
        // Authenticating / Connecting: bytes wait in the framer (the socket is paused) until relaying starts.
        return;
    }
  }

  private isClosed(): boolean {
    return this.step === Step.Closed;
  }

  private inStartup(): boolean {
    return this.step === Step.Startup || this.step === Step.Password;
  }

  // ---- startup and authentication ----------------------------------------------------------------

  private onStartupPacket(payload: Uint8Array, bytes: Uint8Array): void {
    const packet = parseStartupPacket(payload);
    switch (packet.kind) {
      case 'ssl':
        if (this.framer.buffered > 0) {
          // CVE-2021-23214: bytes pipelined after SSLRequest would be read as if they came over TLS.
          this.fatal(SqlState.PROTOCOL_VIOLATION, 'unexpected data after SSLRequest');
          return;
        }
        if (this.deps.tls && !(this.client instanceof TLSSocket)) this.upgradeToTls();
        else this.client.write('N');
        return;
      case 'gssenc':
        this.client.write('N');
        return;
      case 'cancel':
        this.deps.forwardCancel(packet.pid, packet.secret);
        this.step = Step.Closed;
        this.client.end();
        return;
      case 'startup':
        this.onStartupMessage(packet.params, packet.protocol, bytes);
        return;
    }
  }

  private upgradeToTls(): void {
    const raw = this.client;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    raw.removeAllListeners('drain');
    raw.removeAllListeners('error');
    raw.write('S');
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.deps.tls as SecureContext });
    this.client = secure;
    this.attachClient(secure);
    raw.on('error', (err) => this.log.debug('client socket error', { err }));
  }

  private startupBytes: Uint8Array = EMPTY;

  private onStartupMessage(params: Record<string, string>, protocol: number, bytes: Uint8Array): void {
    this.framer.startupDone();
    this.params = params;
    this.startupBytes = bytes.slice();
    const name = params.database ?? params.user ?? '';
    if (params.replication !== undefined && params.replication !== 'false') {
      this.fatal(SqlState.FEATURE_NOT_SUPPORTED, 'replication connections are not supported through Vigil');
      return;
    }
    this.connection = this.deps.findConnection(name);
    if (!this.connection) {
      this.deps.authFailed({
        connection: name,
        clientAddr: this.clientAddr,
        code: 'unknown_connection',
        reason: 'no such connection',
        user: params.user ?? '',
      });
      this.fatal(
        SqlState.INVALID_CATALOG_NAME,
        `connection "${name}" does not exist (the database name selects a Vigil connection)`,
      );
      return;
    }
    const checked = checkStartupParams(params);
    if (!checked.ok) {
      this.deps.authFailed({
        connection: name,
        clientAddr: this.clientAddr,
        code: 'startup_options',
        reason: checked.reason,
        user: params.user ?? '',
      });
      this.fatal(SqlState.INSUFFICIENT_PRIVILEGE, `Vigil refuses the startup options: ${checked.reason}`);
      return;
    }
    this.upstreamParams = checked.params;
    this.step = Step.Password;
    const unrecognized = Object.keys(params).filter((k) => k.startsWith('_pq_.'));
    // We speak 3.0 only: a newer client is told so before authentication, as PostgreSQL does.
    if ((protocol & 0xffff) > 0 || unrecognized.length > 0)
      this.client.write(serializeNegotiateProtocolVersion(0, unrecognized));
    this.client.write(serializeAuthenticationCleartextPassword());
  }

  private onPassword(code: number, payload: Uint8Array): void {
    if (code !== FrontendCode.PasswordMessage) {
      this.fatal(SqlState.PROTOCOL_VIOLATION, `expected a password message, got '${String.fromCharCode(code)}'`);
      return;
    }
    const end = payload.indexOf(0);
    const token = Buffer.from(payload.buffer, payload.byteOffset, end < 0 ? payload.length : end).toString('utf8');
    this.step = Step.Authenticating;
    this.client.pause();
    this.deps.verifyToken(token).then(
      (principal) => this.onAuthenticated(principal),
      (err: AuthError) => this.onAuthFailed(err),
    );
  }

  private onAuthFailed(err: AuthError): void {
    if (this.step === Step.Closed) return;
    const connection = this.connection?.name ?? '';
    this.deps.authFailed({
      connection,
      clientAddr: this.clientAddr,
      code: err.code ?? 'error',
      reason: err.message,
      user: this.params.user ?? '',
    });
    const sqlState = err.code === 'no_role' ? SqlState.INVALID_AUTHORIZATION_SPECIFICATION : SqlState.INVALID_PASSWORD;
    const message = err.code ? `token rejected: ${err.message}` : 'token rejected';
    this.fatal(sqlState, message);
  }

  private async onAuthenticated(principal: Principal): Promise<void> {
    if (this.step === Step.Closed) return;
    const connection = this.connection as PostgresConnectionConfig;
    if (!principal.roles.includes('agent') && !principal.roles.includes('admin')) {
      this.onAuthFailed(
        Object.assign(
          new Error(`principal "${principal.sub}" has no role that may open database sessions (needs agent or admin)`),
          { code: 'no_role' },
        ) as AuthError,
      );
      return;
    }
    const target = this.deps.upstreamTarget(connection);
    try {
      this.session = this.deps.openSession({
        protocol: 'postgres',
        connection: connection.name,
        principal,
        clientAddr: this.clientAddr,
        upstream: `${target.host}:${target.port}/${target.database}`,
        header: { user: this.params.user ?? null, application: this.params.application_name ?? null },
      });
    } catch (err) {
      this.log.error('cannot open a recorded session', { err });
      this.fatal(SqlState.SYSTEM_ERROR, 'Vigil cannot record this session right now, so it is refused (fail closed)');
      return;
    }
    const session = this.session;
    this.log = this.log.child({ session: session.id, principal: principal.sub });
    session.onFailure((err) => {
      this.log.error('recording failed: ending session', { err });
      this.fatal(SqlState.SYSTEM_ERROR, 'Vigil can no longer record this session, so it was ended (fail closed)');
    });
    session.onTerminate((reason) => this.fatal(SqlState.ADMIN_SHUTDOWN, `session terminated by ${reason}`));
    session.clientBytes(this.startupBytes);
    session.serverBytes(serializeAuthenticationCleartextPassword());
    // The token is a bearer credential: the recording keeps that a password message came, not its content.
    session.annotate({
      type: 'session.start',
      principal: principal.sub,
      groups: principal.groups,
      connection: connection.name,
      upstream: `${target.host}:${target.port}/${target.database}`,
      client: this.clientAddr,
      params: this.params,
    });
    this.step = Step.Connecting;
    const gate = this.deps.gateFor(session, connection, this.prepared);
    const masker = this.deps.maskerFor(session, connection);
    try {
      this.target = target;
      this.upstream = await this.deps.upstreams.acquire(target, this.upstreamParams);
      this.gate = await gate;
      this.masker = await masker;
    } catch (err) {
      const e = err as UpstreamError;
      this.log.warn('upstream connection failed', { err: e.message, kind: e.kind });
      const msg =
        e.kind === 'credential'
          ? `upstream rejected Vigil's stored credential for connection "${connection.name}"`
          : `upstream for connection "${connection.name}" is unavailable: ${e.message}`;
      this.fatal(SqlState.CONNECTION_FAILURE, msg, 'failed');
      return;
    }
    if (this.isClosed()) {
      this.deps.upstreams.discard(this.upstream);
      return;
    }
    // For the investigator: which backend ran this session, and whether earlier sessions ran on it (pooling).
    session.annotate({
      type: 'upstream.connected',
      backendPid: this.upstream.backendKey?.pid ?? null,
      reused: this.upstream.sessionsServed > 0,
      tls: this.upstream.tls,
    });
    this.startRelaying();
  }

  private startRelaying(): void {
    const upstream = this.upstream as UpstreamConnection;
    const session = this.session as RecordedSession;
    clearTimeout(this.authTimer);
    if (upstream.backendKey) {
      const key = upstream.backendKey;
      this.issuedKey = this.deps.cancels.issue({
        host: upstream.socket.remoteAddress ?? '',
        port: upstream.socket.remotePort ?? 0,
        pid: key.pid,
        secret: key.secret,
        sessionId: session.id,
        onCancel: () => this.onClientCancel(),
      });
    }
    const hello = [serializeAuthenticationOk(), ...upstream.parameters.map(([k, v]) => serializeParameterStatus(k, v))];
    if (this.issuedKey) hello.push(serializeBackendKeyData(this.issuedKey.pid, this.issuedKey.secret));
    hello.push(serializeReadyForQuery(upstream.status));
    this.sequencer.lastStatus = upstream.status;
    const bytes = Buffer.concat(hello);
    session.serverBytes(bytes);
    this.client.write(bytes);
    this.step = Step.Relaying;
    const handlers = {
      data: (chunk: Buffer) => this.onUpstreamData(chunk),
      drain: () => {
        if (!this.holding) this.client.resume();
      },
      close: () => void this.shutdown('upstream closed the connection'),
      error: (err: Error) => this.log.warn('upstream socket error', { err: err.message }),
    };
    this.upstreamHandlers = handlers;
    for (const [event, handler] of Object.entries(handlers)) upstream.socket.on(event, handler);
    upstream.socket.resume();
    this.client.resume();
    this.relayClientFrames();
  }

  // ---- relay: client → upstream --------------------------------------------------------------------

  private relayClientFrames(): void {
    if (this.holding) return;
    const session = this.session as RecordedSession;
    const upstream = this.upstream as UpstreamConnection;
    const out: Uint8Array[] = [];
    const toClient: Uint8Array[] = [];
    let terminate = false;
    for (let frame = this.nextClientFrame(); frame; frame = this.framer.next()) {
      if (this.masker?.wantsFresherCatalog(frame)) {
        // It names a table the masking catalog lacks (made in this session?): judged once the catalog is read again.
        this.readCatalogAgain(this.masker, frame);
        break;
      }
      const n = session.clientBytes(frame.bytes);
      if (frame.code === FrontendCode.Terminate) {
        // Not forwarded: the gateway decides at shutdown whether the upstream ends or is kept.
        terminate = true;
        break;
      }
      const command = frontendCommand(frame, this.extended);
      if (command.skip) continue; // after a refused message in an extended batch, until Sync
      if (this.batchOpen && (frame.code === FrontendCode.Query || frame.code === FrontendCode.FunctionCall)) {
        // After an error in the batch the server skips it, answering nothing: which answer is whose (results to mask,
        // statements prepared, replies to place) could no longer be told. No driver sends this; fail closed.
        this.fatal(
          SqlState.PROTOCOL_VIOLATION,
          'Vigil: a simple Query came inside an unfinished extended-protocol batch (send Sync first); session ended',
        );
        return;
      }
      if (command.text === undefined) {
        this.forwarding(frame);
        this.masker?.forwarded(frame);
        out.push(frame.bytes);
        continue;
      }
      if (frame.bytes.length > this.deps.maxStatementBytes) {
        // Parsing it would hold up every session on this gateway (and take memory in proportion): refused unread.
        const reason = `a statement of ${frame.bytes.length} bytes is larger than limits.maxStatementBytes (${this.deps.maxStatementBytes}), the most Vigil reads; send bulk data with COPY`;
        session.command({
          frame: n,
          text: command.text.slice(0, STATEMENT_EXCERPT),
          decision: 'deny',
          rule: 'limits',
          detail: { reason, actions: [], statements: [] },
        });
        this.refuse(frame.code, `Vigil: ${reason}`, toClient, out, SqlState.PROGRAM_LIMIT_EXCEEDED);
        continue;
      }
      const maskDenial = this.masker?.inspect(frame);
      if (maskDenial !== undefined) {
        session.command({
          frame: n,
          text: command.text,
          decision: 'deny',
          rule: 'masking',
          detail: { reason: maskDenial, actions: [], statements: [] },
        });
        this.refuse(frame.code, `Vigil ${maskDenial}`, toClient, out);
        continue;
      }
      const statement = command.name ?? '';
      if (command.via === 'bind' && !this.prepared.mayExist(statement)) {
        // Vigil follows the server's answers: it has no such statement, and says so as it would (drivers re-prepare on
        // 26000). The Bind is not sent; a statement that fails stands in for it (see refuse()).
        const reason =
          statement === ''
            ? 'unnamed prepared statement does not exist'
            : `prepared statement "${statement}" does not exist`;
        session.command({
          frame: n,
          text: command.text,
          decision: 'deny',
          rule: null,
          detail: { reason, actions: [], statements: [] },
        });
        this.refuse(frame.code, reason, toClient, out, SqlState.INVALID_SQL_STATEMENT_NAME);
        continue;
      }
      const parse = frame.code === FrontendCode.Parse;
      // The Binds of it the client already sent behind this message: looked at only for a review, and once.
      let sentAhead: PgFrame[] | undefined;
      const ahead = () => {
        sentAhead ??= bindsAhead(this.framer.peek(MAX_RUNS_AHEAD), statement);
        return sentAhead;
      };
      // A Bind reads as what the server has under its name, which a failed Parse of the client's did not change.
      const text = command.via === 'bind' ? this.prepared.shownText(statement) : command.text;
      const verdict = (this.gate as CommandGate).check({
        text,
        via: command.via ?? 'query',
        frame: n,
        ...(command.name === undefined ? {} : { name: command.name }),
        // A Parse whose runs the client already sent in this batch is held with them: nothing of the batch reaches
        // the server before the decision. Alone in its batch, it only prepares: its runs are held when they come.
        ...(parse ? { preparesOnly: () => ahead().length === 0 } : {}),
        ...(parse || command.via === 'bind'
          ? { runs: () => this.runsShown(parse ? ahead() : [frame, ...ahead()], statement) }
          : {}),
      });
      // A Parse whose runs are reviewed is not the command: each run (its Bind) is, and is recorded then.
      if (verdict.outcome !== 'allow' || !verdict.heldWhenRun || !parse)
        session.command({
          frame: n,
          text,
          decision: verdict.outcome,
          rule: verdict.rule,
          ...(verdict.detail ? { detail: verdict.detail } : {}),
          ...(verdict.outcome === 'review' ? { requestId: verdict.requestId } : {}),
        });
      if (verdict.outcome === 'allow') {
        if (verdict.heldWhenRun && command.name !== undefined) reviewWhenRun(this.extended, command.name);
        if (command.via === 'bind' && command.name !== undefined) judgedForBatch(this.extended, command.name);
        this.forwarding(frame);
        this.masker?.forwarded(frame);
        out.push(frame.bytes);
        continue;
      }
      if (verdict.outcome === 'deny') {
        this.refuse(frame.code, verdict.message, toClient, out);
        continue;
      }
      // Review: flush what came before, hold this message (and everything behind it) until decided.
      this.writeUpstream(upstream, out);
      out.length = 0;
      // The runs shown besides the held message (which is one of them if it is a Bind) are not asked again.
      const shown = verdict.runs ?? 0;
      const covered = parse || command.via === 'bind' ? { statement, runs: parse ? shown : shown - 1 } : undefined;
      this.hold(frame.code, frame.bytes.slice(), verdict, toClient, covered);
      break;
    }
    this.writeUpstream(upstream, out);
    this.writeClient(toClient);
    if (terminate) void this.shutdown('client terminated the session', 'ended', true);
  }

  /** The frame that waited for the masking catalog, else the framer's next. */
  private nextClientFrame(): PgFrame | undefined {
    const waiting = this.awaitingCatalog;
    this.awaitingCatalog = undefined;
    return waiting ?? this.framer.next();
  }

  /** Holds the client's messages, `frame` first, until the masker has read the catalog again; then relays on. */
  private readCatalogAgain(masker: ResultMasker, frame: PgFrame): void {
    this.awaitingCatalog = frame;
    this.readingCatalog = true;
    this.client.pause();
    masker.readCatalogAgain(frame).then(
      () => {
        this.readingCatalog = false;
        if (this.step !== Step.Relaying) return;
        this.client.resume();
        this.relayClientFrames();
      },
      (err: unknown) => {
        this.log.error('reading the masking catalog again failed', { err });
        this.fatal(SqlState.INTERNAL_ERROR, 'internal gateway error; the session was closed');
      },
    );
  }

  /**
   * Answers a refused command (42501 unless told) where the client expects the reply (see ResponseSequencer). The
   * server must fail as it would have for the refused statement, or a transaction (or an extended batch, which is one)
   * would commit what came before it: unless the server is known to be idle, a statement that fails goes upstream in
   * its place (`toUpstream`), and its error is turned into the refusal.
   */
  private refuse(
    code: number,
    message: string,
    toClient: Uint8Array[],
    toUpstream: Uint8Array[],
    sqlState: string = SqlState.INSUFFICIENT_PRIVILEGE,
  ): void {
    const error = PgError.error(sqlState, message).toBytes();
    const simple = code === FrontendCode.Query || code === FrontendCode.FunctionCall;
    if (simple && toUpstream.length === 0 && this.nothingInFlight() && this.sequencer.lastStatus === TX_IDLE) {
      toClient.push(...this.sequencer.reply((status) => Buffer.concat([error, serializeReadyForQuery(status)])));
      return;
    }
    const poison = { token: `vigil_refused_${randomBytes(8).toString('hex')}`, error };
    if (simple) {
      const bytes = serializeQuery(poison.token);
      this.forwarding({ code: FrontendCode.Query, payload: bytes.subarray(5) }, poison);
      this.masker?.forwarded({ code: FrontendCode.Query, payload: bytes.subarray(5), bytes });
      toUpstream.push(bytes);
      return;
    }
    // Extended protocol: like the server after an error, discard until Sync, then answer at that Sync.
    const bytes = serializeParse(poison.token, poison.token);
    this.masker?.forwarded({ code: FrontendCode.Parse, payload: bytes.subarray(5), bytes });
    this.sequencer.poisonBatch(poison);
    this.sequencer.injectBeforeNextSyncReply(() => error);
    this.extended.skipUntilSync = true;
    toUpstream.push(bytes);
  }

  private hold(
    code: number,
    bytes: Uint8Array,
    verdict: Extract<Verdict, { outcome: 'review' }>,
    toClient: Uint8Array[],
    covered: { statement: string; runs: number } | undefined,
  ): void {
    this.heldRequest = verdict.requestId;
    this.client.pause();
    toClient.push(pgNotice(verdict.notice, { code: '01000' }));
    verdict.decided.then(
      (outcome) => {
        if (this.step !== Step.Relaying) return;
        const session = this.session as RecordedSession;
        session.annotate(decidedAnnotation(verdict.requestId, outcome));
        this.heldRequest = undefined;
        const replies: Uint8Array[] = [];
        const poison: Uint8Array[] = [];
        if (outcome.approved) {
          // Exactly the bytes that were approved, once.
          if (covered !== undefined) coverRuns(this.extended, covered.statement, covered.runs);
          this.forwarding({ code, payload: bytes.subarray(5) });
          this.masker?.forwarded({ code, payload: bytes.subarray(5), bytes });
          this.writeUpstream(this.upstream as UpstreamConnection, [bytes]);
        } else if (outcome.status === 'cancelled') {
          this.refuse(
            code,
            `canceling statement due to user request (Vigil withdrew approval request ${verdict.requestId})`,
            replies,
            poison,
            SqlState.QUERY_CANCELED,
          );
        } else {
          this.refuse(
            code,
            `statement not approved (${notApprovedWhy(outcome)}); request ${verdict.requestId}`,
            replies,
            poison,
          );
        }
        this.writeUpstream(this.upstream as UpstreamConnection, poison);
        this.writeClient(replies);
        this.client.resume();
        this.relayClientFrames();
      },
      (err) => {
        this.log.error('approval wait failed', { err });
        this.fatal(SqlState.INTERNAL_ERROR, 'approval could not be completed; session closed');
      },
    );
  }

  /**
   * The client sent a CancelRequest (psql's Ctrl-C): a statement held for approval is withdrawn, as PostgreSQL would
   * cancel one it runs; its request is cancelled and the hold ends with 57014 (see hold()). True when nothing else
   * of the session runs upstream, so the CancelRequest stops here.
   */
  private onClientCancel(): boolean {
    if (this.heldRequest === undefined) return false;
    this.log.info('client cancelled the statement held for approval');
    this.gate?.withdraw(this.heldRequest);
    // Statements sent before the held one may still run upstream: then the cancel goes on to them.
    return this.nothingInFlight();
  }

  /**
   * The values of the runs a held Parse or Bind stands for, as the approver sees them: `binds` are the held Bind (if
   * it is one) and the Binds of the same statement the client already sent behind it in the batch (a JDBC batch,
   * executemany). The approval covers exactly the runs shown (the verdict's `runs`).
   */
  private runsShown(binds: PgFrame[], statement: string): Array<Array<string | null>> {
    return bindRuns(
      binds.map((f) => f.payload),
      this.extended.statements.get(statement)?.paramTypes,
    );
  }

  /**
   * A message goes upstream. A Query, a FunctionCall and a Sync are each answered with one ReadyForQuery; Parse, Bind,
   * Describe and Execute open a batch that may fail (then the server skips everything up to its Sync).
   */
  private forwarding(frame: Pick<PgFrame, 'code' | 'payload'>, poison?: Poison): void {
    switch (frame.code) {
      case FrontendCode.Query:
      case FrontendCode.FunctionCall:
        this.sequencer.forwardedSyncPoint(poison);
        this.prepared.syncPoint();
        return;
      case FrontendCode.Sync:
        this.batchOpen = false;
        this.sequencer.forwardedSyncPoint();
        this.prepared.syncPoint();
        return;
      case FrontendCode.Close:
        this.prepared.closed(closedStatement(frame.payload));
        return;
      case FrontendCode.Parse:
      case FrontendCode.Bind:
      case FrontendCode.Describe:
      case FrontendCode.Execute:
        this.batchOpen = true;
    }
  }

  private writeUpstream(upstream: UpstreamConnection, out: Uint8Array[]): void {
    if (out.length === 0) return;
    for (const bytes of out) {
      const code = bytes[0];
      this.unsynced = code === FrontendCode.Query || code === FrontendCode.Sync ? 0 : this.unsynced + 1;
    }
    // Messages of one client read are usually adjacent in its buffer: one write, no copy, no writev.
    if (!upstream.socket.write(joined(out))) this.client.pause(); // resumed on upstream 'drain'
  }

  // ---- relay: upstream → client --------------------------------------------------------------------

  private onUpstreamData(chunk: Buffer): void {
    if (this.step !== Step.Relaying) return;
    const upstream = this.upstream as UpstreamConnection;
    const out: Uint8Array[] = [];
    try {
      upstream.framer.push(chunk);
      for (let frame = upstream.framer.next(); frame; frame = upstream.framer.next()) {
        const unsafe = frame.code === BackendCode.ParameterStatus ? unsafeSetting(frame.payload) : undefined;
        if (unsafe) {
          // Policy reads SQL as UTF-8 with standard-conforming strings; a session that changed either is ended.
          this.fatal(
            SqlState.PROTOCOL_VIOLATION,
            `the session changed ${unsafe}, which Vigil cannot police; session ended`,
          );
          return;
        }
        // The first error of a request may stand for a refusal (see refuse()); the frame goes on as what the client gets.
        const error = frame.code === BackendCode.ErrorResponse ? this.sequencer.upstreamError(frame.bytes) : undefined;
        if (this.prepared.awaiting) this.tellPrepared(frame);
        else if (frame.code === BackendCode.ReadyForQuery) this.prepared.answered('ready'); // counted, nothing awaited
        if (frame.code === BackendCode.ReadyForQuery) {
          this.masker?.filter(frame, out.length); // the end of what the masker expected for this batch
          out.push(...this.sequencer.beforeReadyForQuery(), frame.bytes);
          out.push(...this.sequencer.afterReadyForQuery(frame.payload[0] ?? TX_IDLE));
          continue;
        }
        const shown = this.masker ? this.masker.filter(frame, out.length) : frame.bytes;
        out.push(error === undefined || error === frame.bytes ? shown : error);
      }
    } catch (err) {
      this.log.error('upstream sent bytes the gateway cannot frame', { err });
      this.fatal(SqlState.PROTOCOL_VIOLATION, 'upstream protocol error; session closed');
      return;
    }
    this.writeClient(out);
  }

  /** The server's answers that create or drop prepared statements (see prepared-statements). */
  private tellPrepared(frame: PgFrame): void {
    const answer = SERVER_ANSWERS[frame.code];
    if (answer !== undefined) this.prepared.answered(answer);
    else if (frame.code === BackendCode.CommandComplete)
      this.prepared.answered({ tag: parseCommandComplete(frame.payload) });
  }

  private writeClient(out: Uint8Array[]): void {
    if (out.length === 0) return;
    const bytes = out.length === 1 ? (out[0] as Uint8Array) : joined(out);
    if (this.session) {
      const n = this.session.serverBytes(bytes);
      this.masker?.flushAnnotations(n);
      const recorderBehind = this.session.whenWritable();
      if (recorderBehind) {
        // The recording is behind (slow disk): read no more from the upstream until it catches up.
        this.upstream?.socket.pause();
        void recorderBehind.then(() => {
          if (this.step === Step.Relaying) this.upstream?.socket.resume(); // not once handed back to the pool
        });
      }
    }
    if (!this.client.write(bytes)) this.upstream?.socket.pause(); // resumed on client 'drain'
  }

  // ---- endings --------------------------------------------------------------------------------------

  /** Sends a FATAL error to the client and ends the session (recording it first). */
  private fatal(sqlState: string, message: string, status: 'ended' | 'failed' = 'ended'): void {
    if (this.step === Step.Closed) return;
    const bytes = PgError.fatal(sqlState, message).toBytes();
    this.session?.serverBytes(bytes);
    this.client.end(bytes);
    void this.shutdown(message, status);
  }

  private get holding(): boolean {
    return this.heldRequest !== undefined || this.readingCatalog;
  }

  /** Everything forwarded upstream has been answered. */
  private nothingInFlight(): boolean {
    return this.unsynced === 0 && this.sequencer.owed === 0;
  }

  /** Nothing forwarded is still unanswered, no transaction is open and no upstream byte is unread. */
  private upstreamIdle(): boolean {
    const upstream = this.upstream;
    return (
      upstream !== undefined &&
      !upstream.socket.destroyed &&
      !this.holding &&
      this.nothingInFlight() &&
      this.sequencer.lastStatus === TX_IDLE &&
      upstream.framer.buffered === 0
    );
  }

  /** `clientLeft`: the client ended the session (Terminate or closing), so its upstream may be kept. */
  private async shutdown(reason: string, status: 'ended' | 'failed' = 'ended', clientLeft = false): Promise<void> {
    if (this.step === Step.Closed) return;
    const cancelSent =
      this.issuedKey !== undefined && this.deps.cancels.lookup(this.issuedKey.pid, this.issuedKey.secret)?.forwarded;
    const reusable = clientLeft && this.step === Step.Relaying && this.upstreamIdle() && !cancelSent;
    this.step = Step.Closed;
    clearTimeout(this.authTimer);
    this.gate?.close();
    if (this.issuedKey) this.deps.cancels.release(this.issuedKey.pid, this.issuedKey.secret);
    if (this.upstream) {
      const upstream = this.upstream;
      if (this.upstreamHandlers)
        for (const [event, handler] of Object.entries(this.upstreamHandlers)) upstream.socket.off(event, handler);
      if (reusable && this.target) this.deps.upstreams.release(upstream, this.target);
      else this.deps.upstreams.discard(upstream);
    }
    if (!this.client.destroyed) this.client.end();
    try {
      await this.session?.end(reason, status);
    } catch (err) {
      this.log.error('could not end session cleanly', { err });
    }
  }
}

const TX_IDLE = 0x49; // 'I'
/** How many messages behind a held Bind are looked at for more runs of its statement. */
const MAX_RUNS_AHEAD = 10_000;
