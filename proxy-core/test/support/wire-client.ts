import { serializeQuery, serializeSync } from '../../src/protocols/postgres/codec';
import { openWireSession, type WireSession } from '../../src/protocols/postgres/codec/testing/wire-session';
import type { Harness } from './gateway-harness';

/** A wire session as agent-1 on the harness's gateway (see codec/testing/wire-session). */
export async function openHarnessWire(h: Harness, connection = 'shop'): Promise<WireSession> {
  return openWireSession({
    host: h.host,
    port: h.port,
    user: 'agent-1',
    database: connection,
    token: await h.agentToken(),
  });
}

export { bind, execute, parse } from '../../src/protocols/postgres/codec/testing/frontend-messages';
export const query = serializeQuery;
export const sync = serializeSync;
