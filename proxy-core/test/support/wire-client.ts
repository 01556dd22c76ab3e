import { connect, type Socket } from 'node:net';
import {
  serializePasswordMessage,
  serializeQuery,
  serializeStartup,
  serializeSync,
} from '../../src/protocols/postgres/codec';
import { eventually, type Harness } from './gateway-harness';

/**
 * A client that writes PostgreSQL messages as given, for what drivers do not let a test send: several statements in
 * one write, a Bind of a statement an SQL PREPARE made, a held statement with more behind it.
 */
export interface WireSession {
  send(...messages: Uint8Array[]): void;
  /** Everything received since connecting (or since `clear`), as latin1 text. */
  text(): string;
  clear(): void;
  /** Waits until `n` ReadyForQuery messages arrived since the last `clear`. */
  readyCount(n: number): Promise<void>;
  close(): void;
}

const READY = 'Z\0\0\0\x05';

/** Connects as agent-1 to `connection`, authenticates with a fresh token and waits for the first ReadyForQuery. */
export async function openWireSession(h: Harness, connection = 'shop'): Promise<WireSession> {
  const token = await h.agentToken();
  const received: Buffer[] = [];
  const socket: Socket = connect({ host: h.host, port: h.port });
  socket.on('data', (d) => received.push(d));
  await new Promise((r) => socket.once('connect', r));
  socket.write(serializeStartup({ user: 'agent-1', database: connection }));
  await eventually(() => received.length > 0); // AuthenticationCleartextPassword
  socket.write(serializePasswordMessage(token));
  const text = () => Buffer.concat(received).toString('latin1');
  await eventually(() => text().includes(READY));
  received.length = 0;
  return {
    send: (...messages) => socket.write(Buffer.concat(messages)),
    text,
    clear: () => {
      received.length = 0;
    },
    readyCount: async (n) => {
      await eventually(() => text().split(READY).length > n);
    },
    close: () => socket.destroy(),
  };
}

export { bind, execute, parse } from '../../src/protocols/postgres/codec/testing/frontend-messages';
export const query = serializeQuery;
export const sync = serializeSync;
