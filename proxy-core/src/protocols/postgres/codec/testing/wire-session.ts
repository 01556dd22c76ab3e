import { connect, type Socket } from 'node:net';
import { serializePasswordMessage } from '../frontend-serializer';
import { serializeStartup } from '../startup';

/**
 * A client that writes PostgreSQL messages as given, for tests that need what drivers do not send: several
 * statements in one write, a batch of Binds, a Bind of a statement an SQL PREPARE made. Plain TCP, no TLS.
 */
export interface WireSession {
  send(...messages: Uint8Array[]): void;
  /** Everything received since connecting (or since `clear`), as latin1 text. */
  text(): string;
  clear(): void;
  /** Waits until `n` ReadyForQuery messages arrived since the last `clear`. */
  readyCount(n: number): Promise<void>;
  /** Waits until `text` arrived or the connection closed; true when it arrived. */
  arrived(text: string, timeoutMs?: number): Promise<boolean>;
  readonly closed: boolean;
  close(): void;
}

const READY = 'Z\0\0\0\x05';

async function until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > timeoutMs) throw new Error(`wire session: ${what} did not come within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Connects, authenticates with `token` as the cleartext password and waits for the first ReadyForQuery. */
export async function openWireSession(opts: {
  host: string;
  port: number;
  user: string;
  database: string;
  token: string;
}): Promise<WireSession> {
  const received: Buffer[] = [];
  const socket: Socket = connect({ host: opts.host, port: opts.port });
  let closed = false;
  socket.on('data', (d) => received.push(d));
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => {}); // what the test looks at is what arrived
  await new Promise((r) => socket.once('connect', r));
  socket.write(serializeStartup({ user: opts.user, database: opts.database }));
  await until(() => received.length > 0, 'the password request');
  socket.write(serializePasswordMessage(opts.token));
  const text = () => Buffer.concat(received).toString('latin1');
  await until(() => text().includes(READY), 'ReadyForQuery after authentication');
  received.length = 0;
  return {
    send: (...messages) => socket.write(Buffer.concat(messages)),
    text,
    clear: () => {
      received.length = 0;
    },
    readyCount: (n) => until(() => text().split(READY).length > n, `ReadyForQuery #${n}`),
    arrived: async (what, timeoutMs = 10_000) => {
      await until(() => closed || text().includes(what), `"${what}"`, timeoutMs);
      return text().includes(what);
    },
    get closed() {
      return closed;
    },
    close: () => socket.destroy(),
  };
}
