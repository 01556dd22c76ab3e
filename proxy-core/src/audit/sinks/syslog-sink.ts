import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { type Socket, connect as tcpConnect } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import type { AuditEvent } from '../audit.types';
import { type AuditExportFormat, formatEvent } from '../audit-export';
import { type OcsfOptions, toOcsf } from '../ocsf';
import { type AuditSink, SinkError } from './audit-sink.types';

export interface SyslogSinkOptions {
  name: string;
  host: string;
  port: number;
  /** RFC 5426 (UDP, one message per datagram), RFC 6587 (TCP, octet counting), RFC 5425 (TLS, octet counting). */
  transport: 'udp' | 'tcp' | 'tls';
  format: AuditExportFormat;
  /** TLS: CA certificates (PEM) to trust, and the name to check; default the host. */
  ca?: string;
  servername?: string;
  timeoutMs?: number;
  ocsf?: OcsfOptions;
}

/** RFC 5424 §6.2.1: facility 13 "log audit"; severity 6 informational, 4 warning (denials, failures). */
const FACILITY_LOG_AUDIT = 13;
/** RFC 5612 documentation enterprise number, until Vigil has its own PEN. */
const SD_ID = 'vigil@32473';
const BOM = '\u{feff}';
/** RFC 5426 §3.2: a receiver must take 480 bytes, should take 2048; most take one datagram (≈ 64 KiB). */
const MAX_UDP = 60_000;

/**
 * Syslog (RFC 5424) over UDP, TCP or TLS: one message per event, the event as JSON (OCSF or as stored) in MSG,
 * its seq, hash and session in structured data. TCP/TLS keep one connection and reconnect after a failure;
 * delivery is as reliable as the transport (TCP cannot confirm the receiver processed bytes; UDP confirms nothing).
 */
export class SyslogSink implements AuditSink {
  readonly name: string;
  private socket: Socket | undefined;
  private udp: UdpSocket | undefined;
  private readonly host = hostname().slice(0, 255) || '-';

  constructor(private readonly opts: SyslogSinkOptions) {
    this.name = `syslog-${opts.transport}:${opts.name}`;
  }

  async deliver(events: readonly AuditEvent[]): Promise<void> {
    const messages = events.map((e) => Buffer.from(this.message(e)));
    if (this.opts.transport === 'udp') return this.sendUdp(messages);
    const socket = await this.connection();
    const framed = Buffer.concat(messages.flatMap((m) => [Buffer.from(`${m.length} `), m]));
    await new Promise<void>((resolve, reject) => {
      socket.write(framed, (err) => (err ? reject(new SinkError(`syslog write failed: ${err.message}`)) : resolve()));
    }).catch((err: unknown) => {
      this.drop();
      throw err;
    });
  }

  async close(): Promise<void> {
    this.drop();
    this.udp?.close();
    this.udp = undefined;
  }

  /** One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM JSON`. */
  message(e: AuditEvent): string {
    const body = formatEvent(e, this.opts);
    // Severity from the OCSF status whatever the message format: denials and failures are warnings.
    const failed = toOcsf(e, this.opts.ocsf).status_id === 2;
    const pri = FACILITY_LOG_AUDIT * 8 + (failed ? 4 : 6);
    const msgId = e.type.replace(/[^\x21-\x7e]/g, '_').slice(0, 32) || '-';
    const sd = [
      `seq="${e.seq}"`,
      `hash="${e.hash}"`,
      ...(e.sessionId ? [`session="${sdValue(e.sessionId)}"`] : []),
    ].join(' ');
    return `<${pri}>1 ${e.time} ${this.host} vigil ${process.pid} ${msgId} [${SD_ID} ${sd}] ${BOM}${JSON.stringify(body)}`;
  }

  private async sendUdp(messages: Buffer[]): Promise<void> {
    this.udp ??= createSocket(this.opts.host.includes(':') ? 'udp6' : 'udp4');
    const udp = this.udp;
    for (const m of messages) {
      const datagram = m.length > MAX_UDP ? m.subarray(0, MAX_UDP) : m;
      await new Promise<void>((resolve, reject) =>
        udp.send(datagram, this.opts.port, this.opts.host, (err) =>
          err ? reject(new SinkError(`syslog UDP send failed: ${err.message}`)) : resolve(),
        ),
      );
    }
  }

  private connection(): Promise<Socket> {
    const open = this.socket;
    if (open && !open.destroyed && open.writable) return Promise.resolve(open);
    this.drop();
    return new Promise<Socket>((resolve, reject) => {
      const { host, port } = this.opts;
      const socket =
        this.opts.transport === 'tls'
          ? tlsConnect({
              host,
              port,
              servername: this.opts.servername ?? host,
              ...(this.opts.ca ? { ca: this.opts.ca } : {}),
            })
          : tcpConnect({ host, port });
      const ready = this.opts.transport === 'tls' ? 'secureConnect' : 'connect';
      const timer = setTimeout(
        () => socket.destroy(new Error(`connect timeout after ${this.opts.timeoutMs ?? 10_000} ms`)),
        this.opts.timeoutMs ?? 10_000,
      );
      socket.once(ready, () => {
        clearTimeout(timer);
        socket.off('error', onConnectError);
        // After connecting: the receiver going away shows as 'end', 'close' or 'error'; the next batch reconnects.
        socket.on('error', () => this.drop(socket));
        socket.on('end', () => this.drop(socket));
        socket.on('close', () => this.drop(socket));
        socket.resume(); // receivers do not answer; discard anything they send
        this.socket = socket;
        resolve(socket);
      });
      const onConnectError = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new SinkError(`syslog ${this.opts.transport} connect to ${host}:${port} failed: ${err.message}`));
      };
      socket.once('error', onConnectError);
    });
  }

  private drop(socket = this.socket): void {
    if (!socket) return;
    if (socket === this.socket) this.socket = undefined;
    socket.destroy();
  }
}

/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped in PARAM-VALUE. */
function sdValue(v: string): string {
  return v.replace(/["\\\]]/g, (c) => `\\${c}`);
}
