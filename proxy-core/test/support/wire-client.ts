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

export { bind, execute, functionCall, parse } from '../../src/protocols/postgres/codec/testing/frontend-messages';
export const query = serializeQuery;
export const sync = serializeSync;

/**
 * The answer as one line per message (type and printable payload), so a difference reads as one. Errors and notices
 * keep severity, code and message: where in the server's source an error was raised is not the gateway's to repeat.
 */
export function messages(answer: string | undefined): string[] {
  if (answer === undefined) return ['(no answer)'];
  const bytes = Buffer.from(answer, 'latin1');
  const out: string[] = [];
  for (let at = 0; at + 5 <= bytes.length; ) {
    const length = bytes.readInt32BE(at + 1);
    const type = String.fromCharCode(bytes[at] ?? 0);
    const fields = bytes
      .subarray(at + 5, at + 1 + length)
      .toString('latin1')
      .split('\0');
    out.push(`${type} ${(type === 'E' || type === 'N' ? fields.filter((f) => /^[SVCM]/.test(f)) : fields).join('|')}`);
    at += 1 + length;
  }
  return out;
}
