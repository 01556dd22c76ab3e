import type { AuthContext, Client, ClientInfo, Connection, ServerChannel, Session } from 'ssh2';
import type { AuthError, Principal } from '../../identity/identity.types';
import type { Logger } from '../../logger';
import type { CommandGate } from '../../pipeline/command-gate.types';
import type { RecordedSession } from '../../pipeline/recorded-session.types';
import type { ChannelContext } from './channel-context';
import { GATEWAY_EXIT_STATUS } from './channel-replies';
import { SessionChannel } from './session-channel';
import type { SshConnection, SshListenerOptions } from './ssh.types';
import { identityForKey, type KeyIdentity, mayOpenSessions } from './ssh-auth';
import { connectUpstream, UpstreamError } from './upstream-connector';

export interface ClientConnectionDeps
  extends Omit<SshListenerOptions, 'host' | 'port' | 'hostKeys' | 'authorizedKeys'> {
  keys: KeyIdentity[];
}

/** Where an agent connection is in its life. */
enum Step {
  Authenticating,
  Open,
  /** Authenticated, but the session cannot go on (not recordable, upstream refused): channels get `refusal`. */
  Refused,
  Closed,
}

const METHODS: AuthContext['method'][] = ['publickey', 'keyboard-interactive', 'password'];
const TOKEN_PROMPT = 'Vigil access token: ';

/**
 * One agent's SSH connection: authentication (OIDC token as password or keyboard-interactive answer, or a
 * registered public key), the connection named by the SSH user, the recorded session, the upstream dialled with
 * the stored credential and a pinned host key, and the session channels. Port forwarding is refused.
 */
export class ClientConnection {
  private step = Step.Authenticating;
  private failures = 0;
  private session: RecordedSession | undefined;
  private gate: CommandGate | undefined;
  private upstream: Promise<Client> | undefined;
  private upstreamClient: Client | undefined;
  private refusal = '';
  private readonly aborts = new Set<(message: string) => void>();
  private openChannels = 0;
  private channelsClosed: (() => void) | undefined;
  private hangingUp = false;
  private readonly authTimer: NodeJS.Timeout;
  private readonly clientAddr: string;
  private log: Logger;
  private ctx: ChannelContext | undefined;

  constructor(
    private readonly client: Connection,
    info: ClientInfo,
    private readonly deps: ClientConnectionDeps,
  ) {
    this.clientAddr = `${info.ip}:${info.port}`;
    this.log = deps.logger.child({ client: this.clientAddr });
    this.authTimer = setTimeout(() => {
      this.log.info('authentication timed out');
      this.client.end();
    }, deps.authTimeoutMs ?? 30_000).unref();
    client.on('authentication', (ctx) => this.onAuthentication(ctx));
    client.on('session', (accept, reject) => this.onSession(accept, reject));
    client.on('tcpip', (_accept, reject, i) =>
      this.refuseForwarding(`direct-tcpip to ${i.destIP}:${i.destPort}`, reject),
    );
    client.on('openssh.streamlocal', (_accept, reject, i) =>
      this.refuseForwarding(`direct-streamlocal to ${i.socketPath}`, reject),
    );
    client.on('request', (_accept, reject, name, i: { bindAddr?: string; bindPort?: number; socketPath?: string }) => {
      const where = i.socketPath ?? `${i.bindAddr}:${i.bindPort}`;
      this.refuseForwarding(`${name} on ${where}`, reject);
    });
    client.on('close', () => void this.shutdown('client disconnected'));
    // ECONNRESET / EPIPE from an agent that went away, or a protocol error: 'close' follows and ends the session.
    client.on('error', (err: Error) => this.log.debug('client connection error', { err }));
  }

  // ---- authentication -----------------------------------------------------------------------------

  private onAuthentication(ctx: AuthContext): void {
    if (this.step !== Step.Authenticating) {
      ctx.reject();
      return;
    }
    const connection = this.deps.findConnection(ctx.username);
    if (!connection) {
      if (ctx.method !== 'none')
        this.failed(
          ctx,
          'unknown_connection',
          `no ssh connection named "${ctx.username}" (the SSH user names the Vigil connection)`,
        );
      else ctx.reject(METHODS);
      return;
    }
    switch (ctx.method) {
      case 'password':
        this.verifyToken(ctx, connection, ctx.password);
        return;
      case 'keyboard-interactive':
        ctx.prompt(
          [{ prompt: TOKEN_PROMPT, echo: false }],
          'Vigil',
          'Enter an OIDC access token for the gateway.',
          (answers) => this.verifyToken(ctx, connection, answers[0] ?? ''),
        );
        return;
      case 'publickey':
        this.verifyKey(ctx, connection);
        return;
      default:
        ctx.reject(METHODS);
    }
  }

  private verifyToken(ctx: AuthContext, connection: SshConnection, token: string): void {
    this.deps.verifyToken(token).then(
      (principal) => this.authenticated(ctx, connection, principal),
      (err: AuthError) => this.failed(ctx, err.code ?? 'error', err.message),
    );
  }

  private verifyKey(ctx: Extract<AuthContext, { method: 'publickey' }>, connection: SshConnection): void {
    const identity = identityForKey(this.deps.keys, ctx.key.data);
    if (!identity) {
      // Clients offer every key they have: only a signed attempt with an unknown key counts as a failure.
      if (ctx.signature)
        this.failed(ctx, 'unknown_key', `public key ${ctx.key.algo} is not registered to any principal`);
      else ctx.reject(METHODS);
      return;
    }
    if (!ctx.signature || !ctx.blob) {
      ctx.accept(); // "this key would do": the client signs next
      return;
    }
    if (!identity.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
      this.failed(ctx, 'bad_signature', 'public key signature does not verify');
      return;
    }
    this.authenticated(ctx, connection, identity.principal);
  }

  private failed(ctx: AuthContext, code: string, reason: string): void {
    if (this.step !== Step.Authenticating) return;
    this.deps.authFailed({ connection: ctx.username, clientAddr: this.clientAddr, code, reason, user: ctx.username });
    this.log.info('authentication failed', { code, reason, connection: ctx.username });
    ctx.reject(METHODS);
    if (++this.failures >= (this.deps.maxAuthTries ?? 6)) this.client.end();
  }

  private authenticated(ctx: AuthContext, connection: SshConnection, principal: Principal): void {
    if (this.step !== Step.Authenticating) return;
    if (!mayOpenSessions(principal)) {
      this.failed(
        ctx,
        'no_role',
        `principal "${principal.sub}" has no role that may open sessions (needs agent or admin)`,
      );
      return;
    }
    clearTimeout(this.authTimer);
    this.log = this.log.child({ principal: principal.sub, connection: connection.name });
    this.open(connection, principal, ctx.method);
    ctx.accept();
  }

  // ---- the session ---------------------------------------------------------------------------------

  private open(connection: SshConnection, principal: Principal, method: string): void {
    const upstream = `${connection.upstream.user}@${connection.upstream.host}:${connection.upstream.port}`;
    try {
      this.session = this.deps.openSession({
        protocol: 'ssh',
        connection: connection.name,
        principal,
        clientAddr: this.clientAddr,
        upstream,
        header: { auth: method },
      });
    } catch (err) {
      this.log.error('cannot open a recorded session', { err });
      this.refuse('Vigil cannot record this session right now, so it is refused (fail closed)');
      return;
    }
    const session = this.session;
    this.log = this.log.child({ session: session.id });
    session.onFailure((err) => {
      this.log.error('recording failed: ending session', { err });
      this.abort('Vigil can no longer record this session, so it was ended (fail closed)', 'failed');
    });
    session.onTerminate((by) => this.abort(`session terminated by ${by}`));
    session.annotate({
      type: 'session.start',
      principal: principal.sub,
      groups: principal.groups,
      connection: connection.name,
      upstream,
      client: this.clientAddr,
      auth: method,
    });
    let maskOutput: ChannelContext['maskOutput'];
    try {
      this.gate = this.deps.gateFor(session, connection);
      maskOutput = this.deps.maskOutput?.(connection);
    } catch (err) {
      this.log.error('cannot set up policy or masking for the session', { err });
      this.refuse('Vigil cannot evaluate policy for this connection, so the session is refused (fail closed)');
      return;
    }
    this.step = Step.Open;
    this.upstream = connectUpstream(connection, this.deps.readFile).then(
      (client) => this.upstreamReady(client),
      (err: Error) => {
        const message =
          err instanceof UpstreamError ? err.message : `the upstream could not be reached: ${err.message}`;
        this.log.warn('upstream connection failed', { err: err.message, kind: (err as UpstreamError).kind });
        session.annotate({ type: 'upstream.failed', reason: message, kind: (err as UpstreamError).kind ?? 'error' });
        this.refuse(message, 'failed');
        throw new Error(message);
      },
    );
    this.upstream.catch(() => {}); // handled where channels wait for it
    this.ctx = this.channelContext(session, this.gate, maskOutput);
  }

  private upstreamReady(client: Client): Client {
    if (this.step === Step.Closed) {
      client.end();
      throw new Error('the session ended');
    }
    this.upstreamClient = client;
    // Errors after login (the upstream went away): 'close' follows and ends the session.
    client.on('error', (err: Error) => this.log.warn('upstream connection error', { err: err.message }));
    client.on('close', () => this.abort('the upstream closed the connection'));
    this.session?.annotate({ type: 'upstream.connected' });
    return client;
  }

  private channelContext(
    session: RecordedSession,
    gate: CommandGate,
    maskOutput: ChannelContext['maskOutput'],
  ): ChannelContext {
    const self = this;
    return {
      session,
      gate,
      log: this.log,
      maskOutput,
      upstream: () => this.upstream ?? Promise.reject(new Error(this.refusal)),
      get live() {
        return self.step === Step.Open;
      },
      get ended() {
        return self.refusal || 'the session has ended';
      },
      track: (abort) => {
        this.aborts.add(abort);
        return () => this.aborts.delete(abort);
      },
    };
  }

  private onSession(accept: () => Session, reject: () => void): void {
    if (this.step === Step.Open && this.ctx) {
      new SessionChannel(this.counted(accept()), this.ctx, (what) => this.refuseForwarding(what));
      return;
    }
    if (this.step !== Step.Refused) {
      reject();
      return;
    }
    // Tell the agent why on the first thing it tries to run, then hang up.
    const session = this.counted(accept());
    const refuse = (acceptChannel: () => ServerChannel) => {
      const channel = acceptChannel();
      channel.stderr.write(`vigil: ${this.refusal}\r\n`);
      channel.exit(GATEWAY_EXIT_STATUS);
      channel.end();
      this.hangUp();
    };
    session.on('pty', (ok) => ok?.());
    session.on('env', (ok) => ok?.());
    session.on('exec', (ok) => refuse(ok));
    session.on('shell', (ok) => refuse(ok));
    session.on('subsystem', (ok) => refuse(ok));
  }

  /** Counts open session channels, so the connection is not cut before the agent has read why it ends. */
  private counted(session: Session): Session {
    this.openChannels++;
    session.once('close', () => {
      this.openChannels--;
      if (this.openChannels === 0) this.channelsClosed?.();
    });
    return session;
  }

  /**
   * Ends the connection once the agent has closed its channels (OpenSSH drops unwritten channel output when it
   * gets a disconnect), or after a second.
   */
  private hangUp(): void {
    if (this.hangingUp) return;
    this.hangingUp = true;
    const end = () => {
      clearTimeout(timer);
      this.client.end();
    };
    const timer = setTimeout(end, 1000).unref();
    if (this.openChannels === 0) setImmediate(end);
    else this.channelsClosed = end;
  }

  /** No policy rule can allow forwarding yet: refused, recorded as a denied command, and audited. */
  private refuseForwarding(what: string, reject?: () => void): void {
    reject?.();
    const session = this.session;
    if (!session) return;
    const frame = session.annotate({ type: 'forwarding.refused', what });
    session.command({ frame, text: what, decision: 'deny', rule: null });
    try {
      this.deps.audit?.({
        type: 'ssh.forwarding.refused',
        actor: session.principal.sub,
        sessionId: session.id,
        connection: session.connection,
        data: { what },
      });
    } catch (err) {
      this.log.error('could not audit a refused forwarding', { err });
    }
  }

  // ---- endings -------------------------------------------------------------------------------------

  /** Authenticated, but nothing can run: remembered for the agent's channels; the session ends. */
  private refuse(message: string, status: 'ended' | 'failed' = 'failed'): void {
    if (this.step === Step.Closed) return;
    this.refusal = message;
    this.step = Step.Refused;
    void this.session?.end(message, status);
  }

  /** Ends every channel with `message` and the connection with it. */
  private abort(message: string, status: 'ended' | 'failed' = 'ended'): void {
    if (this.step === Step.Closed || this.step === Step.Refused) return;
    this.refusal = message;
    this.step = Step.Refused;
    for (const abort of [...this.aborts]) {
      try {
        abort(message);
      } catch (err) {
        this.log.debug('channel already gone', { err });
      }
    }
    this.aborts.clear();
    void this.shutdown(message, status);
  }

  private async shutdown(reason: string, status: 'ended' | 'failed' = 'ended'): Promise<void> {
    if (this.step === Step.Closed) return;
    this.step = Step.Closed;
    clearTimeout(this.authTimer);
    this.gate?.close();
    this.upstreamClient?.end();
    void this.upstream?.then((c) => c.end()).catch(() => {});
    this.hangUp();
    try {
      await this.session?.end(reason, status);
    } catch (err) {
      this.log.error('could not end session cleanly', { err });
    }
  }
}
