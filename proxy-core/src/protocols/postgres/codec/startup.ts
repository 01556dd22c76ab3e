import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';
import { ProtocolError } from './errors';
import { RequestCode } from './message-codes';
import { SqlState } from './sqlstate';
import { decodeUtf8 } from './text';

/** What a client can send before authentication, told apart by the Int32 in the version position. */
export type StartupPacket =
  | { readonly kind: 'ssl' }
  | { readonly kind: 'gssenc' }
  | { readonly kind: 'cancel'; readonly pid: number; readonly secret: number }
  | { readonly kind: 'startup'; readonly protocol: number; readonly params: Readonly<Record<string, string>> };

/** Protocol major version the gateway speaks; any 3.x minor is accepted and negotiated down by the session. */
const PROTOCOL_MAJOR = 3;

/**
 * Parses a startup-phase packet's body (what `MessageFramer` yields as `payload` while in the
 * startup phase). Errors carry the SQLSTATE PostgreSQL itself uses (src/backend/tcop/backend_startup.c).
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-STARTUPMESSAGE
 */
export function parseStartupPacket(payload: Uint8Array): StartupPacket {
  const reader = new BufferReader(payload);
  const code = reader.int32();
  switch (code) {
    case RequestCode.SSLRequest:
      expectLength(payload, 4, 'SSLRequest');
      return { kind: 'ssl' };
    case RequestCode.GSSENCRequest:
      expectLength(payload, 4, 'GSSENCRequest');
      return { kind: 'gssenc' };
    case RequestCode.CancelRequest:
      expectLength(payload, 12, 'CancelRequest');
      return { kind: 'cancel', pid: reader.int32(), secret: reader.int32() };
  }
  const major = code >>> 16;
  if (major !== PROTOCOL_MAJOR) {
    throw new ProtocolError(
      `unsupported frontend protocol ${major}.${code & 0xffff}: server supports 3.0 to 3.x`,
      SqlState.FEATURE_NOT_SUPPORTED,
    );
  }
  return { kind: 'startup', protocol: code >>> 0, params: parseParams(payload, reader.offset) };
}

/** Name/value String pairs ending with an empty name. Own-property map: a `__proto__` key stays data. */
function parseParams(payload: Uint8Array, start: number): Record<string, string> {
  // The terminator must come after the version: a bare 3.0 version ends in a zero byte too.
  if (payload.length <= start || payload[payload.length - 1] !== 0) {
    throw new ProtocolError('invalid startup packet layout: expected terminator as last byte');
  }
  const params: Record<string, string> = Object.create(null);
  let offset = start;
  for (;;) {
    const nameEnd = payload.indexOf(0, offset);
    if (nameEnd === offset) break;
    const name = decodeUtf8(payload, offset, nameEnd);
    const valueEnd = payload.indexOf(0, nameEnd + 1);
    if (valueEnd < 0) throw new ProtocolError(`invalid startup packet layout: parameter "${name}" has no value`);
    if (valueEnd === payload.length - 1) {
      throw new ProtocolError('invalid startup packet layout: expected terminator after the last parameter');
    }
    params[name] = decodeUtf8(payload, nameEnd + 1, valueEnd);
    offset = valueEnd + 1;
  }
  if (offset !== payload.length - 1) {
    throw new ProtocolError('invalid startup packet layout: bytes after the terminator');
  }
  if (!params.user) {
    throw new ProtocolError(
      'no PostgreSQL user name specified in startup packet',
      SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
    );
  }
  return params;
}

function expectLength(payload: Uint8Array, length: number, what: string): void {
  if (payload.length !== length) {
    throw new ProtocolError(`invalid ${what}: body is ${payload.length} bytes, expected ${length}`);
  }
}

/** StartupMessage (gateway → upstream). Parameters with undefined values are left out. */
export function serializeStartup(
  params: Readonly<Record<string, string | undefined>>,
  protocol: number = RequestCode.Protocol3_0,
): Uint8Array {
  const writer = new BufferWriter(128).addInt32(protocol);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) writer.addCString(name).addCString(value);
  }
  return writer.addByte(0).flush();
}

/**
 * CancelRequest, sent on a new connection to the upstream.
 * @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS
 */
export function serializeCancelRequest(pid: number, secret: number): Uint8Array {
  return new BufferWriter(12).addInt32(RequestCode.CancelRequest).addInt32(pid).addInt32(secret).flush();
}

/** SSLRequest: Int32(8) Int32(80877103). Answered by a single byte, 'S' or 'N'. Do not mutate. */
export const SSL_REQUEST: Uint8Array = new BufferWriter(4).addInt32(RequestCode.SSLRequest).flush();

/** GSSENCRequest: Int32(8) Int32(80877104). Do not mutate. */
export const GSSENC_REQUEST: Uint8Array = new BufferWriter(4).addInt32(RequestCode.GSSENCRequest).flush();
