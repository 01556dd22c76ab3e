import { createSocket } from 'node:dgram';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/audit/audit.types';
import {
  AuditForwarder,
  type AuditSink,
  JsonlFileSink,
  SplunkHecSink,
  SyslogSink,
  WebhookSink,
  webhookSignatureValid,
} from '../src/audit/sinks';
import { silentLogger } from '../src/logger';
import { writeSelfSignedCert } from '../src/net/self-signed-cert';
import { openTempStore, type TempStore } from '../src/store/temp-store';

// Real receivers on loopback: an HTTP server (webhook, Splunk HEC), TCP and UDP syslog listeners, a file.
// Each test delivers some events, takes the receiver down, appends more, brings it back, and checks that
// every event arrived exactly once and in order.

let temp: TempStore;
const forwarders: AuditForwarder[] = [];
const closers: Array<() => Promise<void>> = [];

beforeEach(() => {
  temp = openTempStore();
});

afterEach(async () => {
  for (const f of forwarders.splice(0)) await f.stop();
  for (const c of closers.splice(0)) await c();
  temp.remove();
});

function append(n: number, from = 0): void {
  for (let i = 0; i < n; i++) {
    temp.store.appendAudit({
      type: i % 3 === 0 ? 'statement' : 'session.start',
      actor: 'agent-1',
      sessionId: `ses_${from + i}`,
      data: { text: `select ${from + i}`, decision: i % 4 === 0 ? 'deny' : 'allow' },
    });
  }
}

function forward(
  sink: AuditSink,
  extra: Partial<ConstructorParameters<typeof AuditForwarder>[0]> = {},
): AuditForwarder {
  const f = new AuditForwarder({
    store: temp.store,
    sink,
    stateDir: join(temp.dir, 'audit-sinks'),
    logger: silentLogger,
    batchSize: 7,
    pollMs: 20,
    backoff: { initialMs: 20, maxMs: 100 },
    ...extra,
  });
  forwarders.push(f);
  f.start();
  return f;
}

const seqs = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An HTTP receiver that can go down (connections refused) and come back on the same port. */
async function httpReceiver(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  let server: Server | undefined;
  let port = 0;
  const up = async () => {
    server = createHttpServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => handle(req, body, res));
    });
    await new Promise<void>((r) => server?.listen(port, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  };
  const down = () =>
    new Promise<void>((r) => {
      server?.closeAllConnections();
      server?.close(() => r());
    });
  await up();
  closers.push(down);
  return { url: () => `http://127.0.0.1:${port}`, up, down };
}

async function outage(
  f: AuditForwarder,
  receiver: { up(): Promise<void>; down(): Promise<void> },
  total: number,
): Promise<void> {
  append(10);
  await f.drain();
  await receiver.down();
  append(total - 10, 10);
  await sleep(150); // several failed attempts, with backoff
  expect(f.status().failures).toBeGreaterThan(0);
  expect(f.status().backlog).toBe(total - 10);
  await receiver.up();
  await f.drain();
  expect(f.status()).toMatchObject({ delivered: total, backlog: 0, failures: 0 });
}

describe('audit sinks against real receivers: exactly once, in order, across an outage', () => {
  it('webhook: HMAC-signed batches', async () => {
    const got: number[] = [];
    const secret = 'hook-secret';
    const receiver = await httpReceiver((req, body, res) => {
      const ok = webhookSignatureValid(
        secret,
        String(req.headers['x-vigil-timestamp']),
        body,
        String(req.headers['x-vigil-signature']),
      );
      if (!ok) return void res.writeHead(401).end();
      const events = (JSON.parse(body) as { events: Array<{ unmapped: { vigil: AuditEvent } }> }).events;
      expect(req.headers['idempotency-key']).toBe(
        `vigil-audit-${events[0]?.unmapped.vigil.seq}-${events.at(-1)?.unmapped.vigil.seq}`,
      );
      got.push(...events.map((e) => e.unmapped.vigil.seq));
      res.writeHead(204).end();
    });
    const f = forward(new WebhookSink({ name: 'soc', url: receiver.url(), secret, format: 'ocsf' }));
    await outage(f, receiver, 40);
    expect(got).toEqual(seqs(40));
  });

  it('webhook with a wrong secret is refused by the receiver and retried, not skipped', async () => {
    let refused = 0;
    const receiver = await httpReceiver((req, body, res) => {
      if (
        !webhookSignatureValid(
          'right',
          String(req.headers['x-vigil-timestamp']),
          body,
          String(req.headers['x-vigil-signature']),
        )
      )
        refused++;
      res.writeHead(401).end();
    });
    const f = forward(new WebhookSink({ name: 'soc', url: receiver.url(), secret: 'wrong', format: 'jsonl' }));
    append(3);
    await sleep(150);
    expect(refused).toBeGreaterThan(1);
    expect(f.status()).toMatchObject({ delivered: 0, backlog: 3, lastError: 'webhook answered HTTP 401' });
  });

  it('Splunk HEC: token auth, HEC event objects, a 503 and a refused connection', async () => {
    const got: number[] = [];
    let unavailable = 0;
    const receiver = await httpReceiver((req, body, res) => {
      expect(req.url).toBe('/services/collector/event');
      if (req.headers.authorization !== 'Splunk hec-token')
        return void res.writeHead(401).end('{"text":"Invalid token","code":4}');
      if (unavailable > 0) {
        unavailable--;
        return void res.writeHead(503).end('{"text":"Server is busy","code":9}');
      }
      for (const line of body.split('\n')) {
        const e = JSON.parse(line) as {
          event: AuditEvent;
          sourcetype: string;
          index: string;
          fields: { vigil_seq: number };
        };
        expect(e).toMatchObject({ sourcetype: 'vigil:audit', index: 'security' });
        expect(e.fields.vigil_seq).toBe(e.event.seq);
        got.push(e.event.seq);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
    });
    const f = forward(
      new SplunkHecSink({
        name: 'splunk',
        url: receiver.url(),
        token: 'hec-token',
        index: 'security',
        format: 'jsonl',
      }),
    );
    unavailable = 2;
    await outage(f, receiver, 30);
    expect(got).toEqual(seqs(30));
  });

  it('syslog over TCP: RFC 5424 with octet counting', async () => {
    const got: string[] = [];
    let server: ReturnType<typeof createNetServer> | undefined;
    let port = 0;
    const sockets = new Set<Socket>();
    const receiver = {
      async up() {
        server = createNetServer((s) => {
          sockets.add(s);
          readOctetCounted(s, got);
        });
        await new Promise<void>((r) => server?.listen(port, '127.0.0.1', r));
        port = (server.address() as { port: number }).port;
      },
      async down() {
        for (const s of sockets) s.destroy();
        sockets.clear();
        await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      },
    };
    await receiver.up();
    closers.push(() => receiver.down());
    const f = forward(new SyslogSink({ name: 'siem', host: '127.0.0.1', port, transport: 'tcp', format: 'ocsf' }));
    append(10);
    await f.drain();
    await receiver.down();
    await sleep(50); // the sink sees the connection close before the next batch
    append(20, 10);
    await sleep(150);
    await receiver.up();
    await f.drain();
    const parsed = got.map(parseSyslog);
    expect(parsed.map((m) => m.seq)).toEqual(seqs(30));
    expect(parsed[0]).toMatchObject({ pri: 13 * 8 + 4, version: '1', app: 'vigil', msgId: 'statement' }); // a denial: warning
    expect(parsed[1]).toMatchObject({ pri: 13 * 8 + 6, msgId: 'session.start' });
    expect(JSON.parse(parsed[0]?.msg ?? '')).toMatchObject({ class_uid: 6005, unmapped: { vigil: { seq: 1 } } });
  });

  it('syslog over TLS (RFC 5425): the receiver certificate is checked and events arrive in order', async () => {
    const certDir = join(temp.dir, 'tls');
    mkdirSync(certDir);
    const key = join(certDir, 'key.pem');
    const cert = join(certDir, 'cert.pem');
    writeSelfSignedCert({ keyPath: key, certPath: cert, names: ['DNS:siem.test'], days: 1 });
    const got: string[] = [];
    const server = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (s) =>
      readOctetCounted(s, got),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    const ca = readFileSync(cert, 'utf8');
    const f = forward(
      new SyslogSink({
        name: 'siem-tls',
        host: '127.0.0.1',
        port,
        transport: 'tls',
        format: 'jsonl',
        ca,
        servername: 'siem.test',
      }),
    );
    append(12);
    await f.drain();
    expect(got.map(parseSyslog).map((m) => m.seq)).toEqual(seqs(12));

    // A receiver whose certificate the sink does not trust gets nothing.
    const untrusted = forward(
      new SyslogSink({
        name: 'siem-wrong-name',
        host: '127.0.0.1',
        port,
        transport: 'tls',
        format: 'jsonl',
        ca,
        servername: 'other.test',
      }),
    );
    const before = got.length;
    await sleep(200);
    expect(got.length).toBe(before);
    await untrusted.stop();
  });

  it('syslog over UDP: one RFC 5424 datagram per event, in order', async () => {
    const got: string[] = [];
    const udp = createSocket('udp4');
    udp.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => udp.close(() => r())));
    const f = forward(
      new SyslogSink({ name: 'udp', host: '127.0.0.1', port: udp.address().port, transport: 'udp', format: 'jsonl' }),
    );
    append(25);
    await f.drain();
    for (let i = 0; i < 50 && got.length < 25; i++) await sleep(10);
    expect(got.map(parseSyslog).map((m) => m.seq)).toEqual(seqs(25));
    expect(got[0]).toMatch(
      /^<108>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ vigil \d+ statement \[vigil@32473 seq="1" hash="[0-9a-f]{64}" session="ses_0"\] \u{feff}\{/u,
    );
  });

  it('JSONL file: rotated by size, nothing lost or repeated across files', async () => {
    const path = join(temp.dir, 'logs', 'audit.jsonl');
    const f = forward(new JsonlFileSink({ name: 'file', path, format: 'jsonl', maxBytes: 2000, keep: 50 }));
    append(60);
    await f.drain();
    const files = readdirSync(join(temp.dir, 'logs')).sort((a, b) => rank(b) - rank(a));
    expect(files.length).toBeGreaterThan(3);
    const lines = files.flatMap((name) =>
      readFileSync(join(temp.dir, 'logs', name), 'utf8')
        .trimEnd()
        .split('\n'),
    );
    expect(lines.map((l) => (JSON.parse(l) as AuditEvent).seq)).toEqual(seqs(60));
    for (const name of files) expect(readFileSync(join(temp.dir, 'logs', name)).length).toBeLessThanOrEqual(2000);
  });

  it('resumes after a restart from its durable position, without repeating', async () => {
    const got: number[] = [];
    const receiver = await httpReceiver((_req, body, res) => {
      got.push(...(JSON.parse(body) as { events: AuditEvent[] }).events.map((e) => e.seq));
      res.writeHead(200).end();
    });
    const sink = () => new WebhookSink({ name: 'soc', url: receiver.url(), secret: 's', format: 'jsonl' });
    const first = forward(sink());
    append(12);
    await first.drain();
    await first.stop();
    append(8, 12);
    forward(sink());
    await forwarders.at(-1)?.drain();
    expect(got).toEqual(seqs(20));
  });

  it('raises a clear alarm when the outbox passes its bound, and clears it once caught up', async () => {
    const receiver = await httpReceiver((_req, _body, res) => res.writeHead(200).end());
    await receiver.down();
    const alarms: Array<string | undefined> = [];
    const f = forward(new WebhookSink({ name: 'soc', url: receiver.url(), secret: 's', format: 'jsonl' }), {
      maxBacklog: 5,
      onAlarm: (s) => alarms.push(s.alarm),
    });
    append(8);
    await sleep(100);
    expect(f.status().alarm).toMatch(
      /^outbox full: 8 audit events not yet delivered to webhook:soc \(limit 5\); last error: fetch failed/,
    );
    await receiver.up();
    await f.drain();
    await sleep(60);
    expect(f.status().alarm).toBeUndefined();
    expect(alarms).toEqual([expect.stringMatching(/^outbox full/), undefined]);
  });
});

function rank(name: string): number {
  const m = /\.(\d+)$/.exec(name);
  return m ? Number(m[1]) : 0;
}

function parseSyslog(text: string): {
  pri: number;
  version: string;
  app: string;
  msgId: string;
  seq: number;
  msg: string;
} {
  const m = /^<(\d+)>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) \[vigil@32473 seq="(\d+)"[^\]]*\] \u{feff}(.*)$/su.exec(text);
  if (!m) throw new Error(`not RFC 5424: ${text.slice(0, 200)}`);
  return {
    pri: Number(m[1]),
    version: m[2] as string,
    app: m[5] as string,
    msgId: m[7] as string,
    seq: Number(m[8]),
    msg: m[9] as string,
  };
}

/** Syslog over a stream (RFC 6587 octet counting: `LEN SP MSG`): each message read from `s` goes into `got`. */
function readOctetCounted(s: import('node:stream').Readable, got: string[]): void {
  let buf = Buffer.alloc(0);
  s.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const sp = buf.indexOf(0x20);
      if (sp < 0) break;
      const len = Number(buf.subarray(0, sp).toString());
      if (buf.length < sp + 1 + len) break;
      got.push(buf.subarray(sp + 1, sp + 1 + len).toString());
      buf = buf.subarray(sp + 1 + len);
    }
  });
}
