import { connect, type Socket } from 'node:net';
import { Client, type ClientChannel } from 'ssh2';
import { type RawData, WebSocket } from 'ws';
import type { Logger } from '../logger';
import { parseControl, TERMINAL_CLOSE, type TerminalEvent, type TerminalSize } from './terminal-protocol';

/** Shell output waiting in the WebSocket beyond this pauses the SSH channel (resumed below LOW_WATER). */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/** Keys typed before the shell is open are kept, up to this much. */
const MAX_EARLY_INPUT = 64 * 1024;
/** From TCP connect to an open shell (the gateway dials the upstream meanwhile). */
const READY_TIMEOUT_MS = 20_000;

export interface TerminalExit {
  code: number | null;
  signal: string | null;
}

/** How a terminal ended, for the audit log. */
export interface TerminalEnd {
  sessionId: string | null;
  reason: string;
  exit: TerminalExit | null;
}

export interface TerminalBridgeOptions {
  ws: WebSocket;
  /** The gateway's own SSH listener. */
  address: { host: string; port: number };
  connection: string;
  size: TerminalSize;
  /** The human's OIDC access token (or a minted development token): the SSH password, as for any agent. */
  password(): Promise<string>;
  /** The recorded gateway session of the SSH connection whose client port is `localPort`. */
  findSession(localPort: number): string | null;
  logger: Logger;
  onEnd(end: TerminalEnd): void;
}

enum Step {
  Connecting,
  Open,
  Closed,
}

/**
 * One IDE terminal: a WebSocket on one side, on the other an SSH client logged in to the gateway's own SSH
 * listener as the signed-in human with a PTY shell. The gateway authenticates, judges every line, masks and
 * records it exactly as it does an agent's session; this only relays bytes and window sizes.
 */
export class TerminalBridge {
  private step = Step.Connecting;
  private readonly client = new Client();
  private sock: Socket | undefined;
  private channel: ClientChannel | undefined;
  private sessionId: string | null = null;
  private exit: TerminalExit | null = null;
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private size: TerminalSize;
  private alive = true;

  constructor(private readonly opts: TerminalBridgeOptions) {
    this.size = opts.size;
    const { ws } = opts;
    ws.on('message', (data, isBinary) => (isBinary ? this.onInput(toBuffer(data)) : this.onControl(data)));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.end('closed in the IDE'));
    // ECONNRESET from a tab that went away: 'close' follows and ends the terminal.
    ws.on('error', () => {});
    this.client.on('ready', () => this.openShell());
    this.client.on('error', (err: Error & { level?: string; code?: string }) => this.fail(this.describe(err)));
    this.client.on('close', () => this.end('the gateway closed the SSH connection'));
    void this.connect();
  }

  /** Heartbeat: a browser that did not answer the last ping is gone. */
  heartbeat(): void {
    if (!this.alive) {
      this.opts.ws.terminate();
      return;
    }
    this.alive = false;
    this.opts.ws.ping();
  }

  /** Ends the terminal from the server side (sign-out, shutdown): the shell is hung up, the socket closed. */
  close(code: number, reason: string): void {
    if (this.step === Step.Closed) return;
    this.end(reason, code);
  }

  private async connect(): Promise<void> {
    let password: string;
    try {
      password = await this.opts.password();
    } catch (err) {
      this.opts.logger.error('could not get a token for the IDE terminal', { err });
      this.fail('Vigil could not get a token to sign you in to the SSH gateway');
      return;
    }
    if (this.step === Step.Closed) return;
    const { host, port } = this.opts.address;
    this.sock = connect({ host, port });
    this.client.connect({
      sock: this.sock,
      username: this.opts.connection,
      password,
      tryKeyboard: false,
      readyTimeout: READY_TIMEOUT_MS,
      // This is the gateway's own listener at the address it bound, on this host: nothing to pin against.
      hostVerifier: () => true,
    });
  }

  private openShell(): void {
    if (this.step === Step.Closed) return;
    const port = this.sock?.localPort;
    this.sessionId = port === undefined ? null : this.opts.findSession(port);
    this.client.shell({ term: 'xterm-256color', ...this.size }, (err, channel) => {
      if (err) {
        this.fail(`the gateway refused a shell on ${this.opts.connection}: ${err.message}`);
        return;
      }
      if (this.step === Step.Closed) {
        channel.close();
        return;
      }
      this.step = Step.Open;
      this.channel = channel;
      channel.on('data', (chunk: Buffer) => this.output(chunk, channel));
      channel.stderr.on('data', (chunk: Buffer) => this.output(chunk, channel));
      channel.on('exit', (code: number | null, signal?: string) => {
        this.exit = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
      });
      channel.on('close', () => this.end('the shell ended'));
      this.send({ type: 'ready', connection: this.opts.connection, sessionId: this.sessionId });
      for (const chunk of this.early) this.write(chunk);
      this.early = [];
      this.earlyBytes = 0;
    });
  }

  private onInput(data: Buffer): void {
    if (this.step === Step.Open) {
      this.write(data);
      return;
    }
    if (this.step !== Step.Connecting || this.earlyBytes + data.length > MAX_EARLY_INPUT) return;
    this.early.push(data);
    this.earlyBytes += data.length;
  }

  private write(data: Buffer): void {
    const channel = this.channel;
    if (!channel || channel.write(data)) return;
    // The gateway (or the shell behind it) is not reading: stop reading the browser until it drains.
    pauseSocket(this.opts.ws, true);
    channel.once('drain', () => pauseSocket(this.opts.ws, false));
  }

  private onControl(data: RawData): void {
    const control = parseControl(toBuffer(data).toString('utf8'));
    if (!control) return;
    this.size = { cols: control.cols, rows: control.rows };
    this.channel?.setWindow(control.rows, control.cols, 0, 0);
  }

  private output(chunk: Buffer, channel: ClientChannel): void {
    const { ws } = this.opts;
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(chunk, () => {
      if (channel.isPaused() && ws.bufferedAmount < LOW_WATER) channel.resume();
    });
    if (ws.bufferedAmount > HIGH_WATER) channel.pause();
  }

  private send(event: TerminalEvent): void {
    if (this.opts.ws.readyState === WebSocket.OPEN) this.opts.ws.send(JSON.stringify(event));
  }

  private fail(message: string): void {
    if (this.step === Step.Closed) return;
    this.send({ type: 'error', message });
    this.end(message, TERMINAL_CLOSE.normal);
  }

  private end(reason: string, code: number = TERMINAL_CLOSE.normal): void {
    if (this.step === Step.Closed) return;
    this.step = Step.Closed;
    if (this.exit) this.send({ type: 'exit', ...this.exit });
    const { ws } = this.opts;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, closeReason(reason));
    this.client.end();
    this.sock?.destroy();
    this.opts.onEnd({ sessionId: this.sessionId, reason, exit: this.exit });
  }

  private describe(err: Error & { level?: string; code?: string }): string {
    const { connection, address } = this.opts;
    if (err.level === 'client-authentication')
      return `the SSH gateway refused your sign-in for ${connection} (token not accepted, or no role that may open sessions)`;
    if (err.level === 'client-timeout') return `the SSH gateway did not open ${connection} in time`;
    if (err.code === 'ECONNREFUSED') return `the SSH gateway is not listening at ${address.host}:${address.port}`;
    return `the SSH connection failed: ${err.message}`;
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** `ws` ≥ 8 pauses a socket's reading; its typings here (ws.d.ts) predate that. */
function pauseSocket(ws: WebSocket, paused: boolean): void {
  const socket = ws as unknown as { pause?: () => void; resume?: () => void };
  if (paused) socket.pause?.();
  else socket.resume?.();
}

/** A close reason is at most 123 bytes (RFC 6455 §5.5). */
function closeReason(reason: string): string {
  const bytes = Buffer.from(reason);
  return bytes.length <= 123
    ? reason
    : `${bytes
        .subarray(0, 120)
        .toString('utf8')
        .replace(/\uFFFD$/, '')}…`;
}
