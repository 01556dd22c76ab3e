import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors';
import { RequestCode } from './message-codes';
import { SqlState } from './sqlstate';
import { parseStartupPacket, SSL_REQUEST, serializeCancelRequest, serializeStartup } from './startup';
import { BufferList } from './testing/buffer-list';
import { framesOf } from './testing/frames';

/** The body of one startup-phase packet, as the framer yields it. */
function payloadOf(bytes: Uint8Array): Uint8Array {
  const [frame] = framesOf(bytes, true);
  if (!frame) throw new Error('no frame');
  return frame.payload;
}

const body = (build: (b: BufferList) => BufferList) => build(new BufferList()).join();

function expectError(payload: Uint8Array, message: string, sqlState: string = SqlState.PROTOCOL_VIOLATION): void {
  let error: unknown;
  try {
    parseStartupPacket(payload);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ProtocolError);
  expect((error as ProtocolError).message).toContain(message);
  expect((error as ProtocolError).sqlState).toBe(sqlState);
}

describe('parseStartupPacket', () => {
  it('recognizes SSLRequest and GSSENCRequest', () => {
    expect(parseStartupPacket(payloadOf(SSL_REQUEST))).toEqual({ kind: 'ssl' });
    expect(parseStartupPacket(body((b) => b.addInt32(RequestCode.GSSENCRequest)))).toEqual({ kind: 'gssenc' });
  });

  it('reads a CancelRequest, round-tripping serializeCancelRequest', () => {
    const bytes = serializeCancelRequest(4242, -123456789);
    expect(bytes).toEqual(new BufferList().addInt32(80877102).addInt32(4242).addInt32(-123456789).join(true));
    expect(parseStartupPacket(payloadOf(bytes))).toEqual({ kind: 'cancel', pid: 4242, secret: -123456789 });
  });

  it('reads a StartupMessage as psql sends it', () => {
    const payload = body((b) =>
      b
        .addInt32(196608)
        .addCString('user')
        .addCString('agent-7')
        .addCString('database')
        .addCString('orders-db')
        .addCString('application_name')
        .addCString('psql')
        .addCString('client_encoding')
        .addCString('UTF8')
        .addByte(0),
    );
    expect(parseStartupPacket(payload)).toEqual({
      kind: 'startup',
      protocol: 196608,
      params: { user: 'agent-7', database: 'orders-db', application_name: 'psql', client_encoding: 'UTF8' },
    });
  });

  it('round-trips serializeStartup, leaving out undefined values and keeping UTF-8', () => {
    const bytes = serializeStartup({
      user: 'app',
      database: 'commandes',
      options: undefined,
      application_name: 'vigil→pg',
    });
    const packet = parseStartupPacket(payloadOf(bytes));
    expect(packet).toEqual({
      kind: 'startup',
      protocol: RequestCode.Protocol3_0,
      params: { user: 'app', database: 'commandes', application_name: 'vigil→pg' },
    });
  });

  it('accepts newer 3.x minors for the session to negotiate down', () => {
    const payload = body((b) =>
      b
        .addInt32((3 << 16) | 2)
        .addCString('user')
        .addCString('u')
        .addByte(0),
    );
    expect(parseStartupPacket(payload)).toMatchObject({ kind: 'startup', protocol: 196610 });
  });

  it('keeps a "__proto__" parameter as plain data', () => {
    const payload = body((b) =>
      b.addInt32(196608).addCString('user').addCString('u').addCString('__proto__').addCString('x').addByte(0),
    );
    const packet = parseStartupPacket(payload);
    if (packet.kind !== 'startup') throw new Error('not a startup packet');
    expect(Object.keys(packet.params)).toEqual(['user', '__proto__']);
    expect(Object.getPrototypeOf(packet.params)).toBeNull();
  });

  describe('malformed packets', () => {
    it('rejects protocol 2.0 and unknown codes as unsupported', () => {
      expectError(
        body((b) => b.addInt32(2 << 16).addByte(0)),
        'unsupported frontend protocol 2.0',
        SqlState.FEATURE_NOT_SUPPORTED,
      );
      expectError(
        body((b) => b.addInt32(80877105)),
        'unsupported frontend protocol 1234.5681',
        SqlState.FEATURE_NOT_SUPPORTED,
      );
    });

    it('rejects a parameter list without the final terminator', () => {
      expectError(
        body((b) => b.addInt32(196608).addCString('user').addCString('u')),
        'expected terminator after the last parameter',
      );
      expectError(
        body((b) => b.addInt32(196608).addCString('user').addString('u')),
        'expected terminator as last byte',
      );
    });

    it('rejects a parameter without a value', () => {
      expectError(
        body((b) => b.addInt32(196608).addCString('user')),
        'parameter "user" has no value',
      );
    });

    it('rejects bytes after the terminator', () => {
      expectError(
        body((b) => b.addInt32(196608).addCString('user').addCString('u').addByte(0).addCString('x').addByte(0)),
        'bytes after the terminator',
      );
    });

    it('rejects a startup packet with no user, or an empty one', () => {
      const sqlState = SqlState.INVALID_AUTHORIZATION_SPECIFICATION;
      expectError(
        body((b) => b.addInt32(196608).addCString('database').addCString('d').addByte(0)),
        'no PostgreSQL user name',
        sqlState,
      );
      expectError(
        body((b) => b.addInt32(196608).addCString('user').addCString('').addByte(0)),
        'no PostgreSQL user name',
        sqlState,
      );
      expectError(
        body((b) => b.addInt32(196608).addByte(0)),
        'no PostgreSQL user name',
        sqlState,
      );
    });

    it('rejects SSLRequest and CancelRequest of the wrong size', () => {
      expectError(
        body((b) => b.addInt32(80877103).addByte(0)),
        'invalid SSLRequest: body is 5 bytes, expected 4',
      );
      expectError(
        body((b) => b.addInt32(80877102).addInt32(1)),
        'invalid CancelRequest: body is 8 bytes, expected 12',
      );
    });
  });
});

describe('SSL_REQUEST', () => {
  it('is Int32(8) Int32(80877103)', () => {
    expect(SSL_REQUEST).toEqual(new BufferList().addInt32(8).addInt32(80877103).join());
  });
});
