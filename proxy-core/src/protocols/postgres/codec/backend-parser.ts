import { BufferReader } from './buffer-reader';
import { ProtocolError } from './errors';
import type { PgFrame } from './framer';
import { AuthCode, BackendCode } from './message-codes';
import type { AuthenticationMessage, BackendMessage, ErrorFields, FieldDescription } from './messages.types';

/**
 * Parsers for what the gateway reads from the upstream, one per message, each over a frame's
 * payload. Every one rejects bytes left over at the end, as PostgreSQL's `pq_getmsgend` does.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

export function parseAuthentication(payload: Uint8Array): AuthenticationMessage {
  const r = new BufferReader(payload);
  const code = r.int32();
  switch (code) {
    case AuthCode.Ok:
      return done(r, { type: 'authentication-ok', code });
    case AuthCode.CleartextPassword:
      return done(r, { type: 'authentication-cleartext-password', code });
    case AuthCode.MD5Password:
      return done(r, { type: 'authentication-md5-password', code, salt: r.bytes(4) });
    case AuthCode.SASL:
      return done(r, { type: 'authentication-sasl', code, mechanisms: readSaslMechanisms(r) });
    case AuthCode.SASLContinue:
      return { type: 'authentication-sasl-continue', code, data: r.rest() };
    case AuthCode.SASLFinal:
      return { type: 'authentication-sasl-final', code, data: r.rest() };
    case AuthCode.KerberosV5:
    case AuthCode.GSS:
    case AuthCode.GSSContinue:
    case AuthCode.SSPI:
      return { type: 'authentication-unsupported', code, data: r.rest() };
    default:
      throw new ProtocolError(`invalid authentication request code ${code}`);
  }
}

/** A list of Strings ended by an empty one. */
function readSaslMechanisms(r: BufferReader): string[] {
  const mechanisms: string[] = [];
  for (let name = r.cstring(); name !== ''; name = r.cstring()) mechanisms.push(name);
  return mechanisms;
}

export function parseParameterStatus(payload: Uint8Array): { readonly name: string; readonly value: string } {
  const r = new BufferReader(payload);
  return done(r, { name: r.cstring(), value: r.cstring() });
}

export function parseBackendKeyData(payload: Uint8Array): { readonly pid: number; readonly secret: number } {
  const r = new BufferReader(payload);
  return done(r, { pid: r.int32(), secret: r.int32() });
}

/** The transaction status byte (see `TransactionStatus`). */
export function parseReadyForQuery(payload: Uint8Array): number {
  const r = new BufferReader(payload);
  return done(r, r.byte());
}

export function parseRowDescription(payload: Uint8Array): FieldDescription[] {
  const r = new BufferReader(payload);
  const count = r.uint16();
  const fields = new Array<FieldDescription>(count);
  for (let i = 0; i < count; i++) {
    fields[i] = {
      name: r.cstring(),
      tableOid: r.uint32(),
      attnum: r.int16(),
      typeOid: r.uint32(),
      typeSize: r.int16(),
      typeMod: r.int32(),
      format: r.int16(),
    };
  }
  return done(r, fields);
}

/**
 * DataRow values as views into the payload (null = SQL NULL), without a reader object: this runs
 * for every row the masking step looks at. Lengths running past the end and leftover bytes throw.
 */
export function dataRowValues(payload: Uint8Array): (Uint8Array | null)[] {
  const index = indexDataRow(payload, newDataRowIndex());
  const values = new Array<Uint8Array | null>(index.count);
  for (let i = 0; i < index.count; i++) {
    const start = index.starts[i] as number;
    const length = index.lengths[i] as number;
    values[i] = length < 0 ? null : payload.subarray(start, start + length);
  }
  return values;
}

/**
 * Where a DataRow's values are in its payload, without a view per value (the masking hot path). Reused from row to
 * row: `indexDataRow` grows the arrays when a row is wider than any before.
 */
export interface DataRowIndex {
  count: number;
  /** Offset of each value in the payload. */
  starts: Int32Array;
  /** Length of each value, -1 for NULL. */
  lengths: Int32Array;
}

export function newDataRowIndex(capacity = 16): DataRowIndex {
  return { count: 0, starts: new Int32Array(capacity), lengths: new Int32Array(capacity) };
}

/** Fills `index` with the values of a DataRow payload, validated as `pq_getmsgend` would. */
export function indexDataRow(payload: Uint8Array, index: DataRowIndex): DataRowIndex {
  const end = payload.length;
  if (end < 2) throw new ProtocolError('invalid DataRow: shorter than its column count');
  const count = ((payload[0] as number) << 8) | (payload[1] as number);
  if (count > index.starts.length) {
    index.starts = new Int32Array(count);
    index.lengths = new Int32Array(count);
  }
  const { starts, lengths } = index;
  let o = 2;
  for (let i = 0; i < count; i++) {
    if (o + 4 > end) throw new ProtocolError(`invalid DataRow: column ${i} length runs past the end`);
    const len =
      ((payload[o] as number) << 24) |
      ((payload[o + 1] as number) << 16) |
      ((payload[o + 2] as number) << 8) |
      (payload[o + 3] as number);
    o += 4;
    starts[i] = o;
    lengths[i] = len;
    if (len === -1) continue;
    if (len < 0 || o + len > end) {
      throw new ProtocolError(`invalid DataRow: column ${i} length ${len} runs past the end`);
    }
    o += len;
  }
  if (o !== end) throw new ProtocolError(`invalid message format: ${end - o} unexpected bytes at the end of DataRow`);
  index.count = count;
  return index;
}

export function parseCommandComplete(payload: Uint8Array): string {
  const r = new BufferReader(payload);
  return done(r, r.cstring());
}

/**
 * ErrorResponse / NoticeResponse: type-letter + String pairs ended by a zero byte. Letters the spec
 * does not define yet are kept (clients must ignore them; the recording should not).
 */
export function parseErrorFields(payload: Uint8Array): ErrorFields {
  const r = new BufferReader(payload);
  const fields: Record<string, string> = Object.create(null);
  for (let code = r.byte(); code !== 0; code = r.byte()) fields[String.fromCharCode(code)] = r.cstring();
  return done(r, fields);
}

export function parseParameterDescription(payload: Uint8Array): number[] {
  const r = new BufferReader(payload);
  const count = r.uint16();
  const typeOids = new Array<number>(count);
  for (let i = 0; i < count; i++) typeOids[i] = r.uint32();
  return done(r, typeOids);
}

export function parseNotificationResponse(payload: Uint8Array): { pid: number; channel: string; payload: string } {
  const r = new BufferReader(payload);
  return done(r, { pid: r.int32(), channel: r.cstring(), payload: r.cstring() });
}

/** CopyInResponse, CopyOutResponse, CopyBothResponse: overall format then per-column formats. */
export function parseCopyResponse(payload: Uint8Array): { format: number; columnFormats: number[] } {
  const r = new BufferReader(payload);
  return done(r, { format: r.byte(), columnFormats: r.int16Array() });
}

export function parseNegotiateProtocolVersion(payload: Uint8Array): { newestMinor: number; unrecognized: string[] } {
  const r = new BufferReader(payload);
  const newestMinor = r.int32();
  const count = r.uint32();
  const unrecognized: string[] = [];
  for (let i = 0; i < count; i++) unrecognized.push(r.cstring());
  return done(r, { newestMinor, unrecognized });
}

function parseFunctionCallResponse(payload: Uint8Array): Uint8Array | null {
  const r = new BufferReader(payload);
  return done(r, r.nullableBytes());
}

function bodyless<T extends string>(payload: Uint8Array, type: T): { readonly type: T } {
  if (payload.length !== 0) {
    throw new ProtocolError(`invalid message format: ${payload.length} unexpected bytes in '${type}'`);
  }
  return { type };
}

function done<T>(r: BufferReader, value: T): T {
  if (r.remaining !== 0) throw new ProtocolError(`invalid message format: ${r.remaining} unexpected bytes at the end`);
  return value;
}

/** Decodes one backend message; unknown types are protocol violations. */
export function parseBackend(frame: PgFrame): BackendMessage {
  const p = frame.payload;
  switch (frame.code) {
    case BackendCode.DataRow:
      return { type: 'data-row', values: dataRowValues(p) };
    case BackendCode.RowDescription:
      return { type: 'row-description', fields: parseRowDescription(p) };
    case BackendCode.CommandComplete:
      return { type: 'command-complete', tag: parseCommandComplete(p) };
    case BackendCode.ReadyForQuery:
      return { type: 'ready-for-query', status: parseReadyForQuery(p) };
    case BackendCode.ParseComplete:
      return bodyless(p, 'parse-complete');
    case BackendCode.BindComplete:
      return bodyless(p, 'bind-complete');
    case BackendCode.CloseComplete:
      return bodyless(p, 'close-complete');
    case BackendCode.NoData:
      return bodyless(p, 'no-data');
    case BackendCode.PortalSuspended:
      return bodyless(p, 'portal-suspended');
    case BackendCode.EmptyQueryResponse:
      return bodyless(p, 'empty-query-response');
    case BackendCode.CopyDone:
      return bodyless(p, 'copy-done');
    case BackendCode.ErrorResponse:
      return { type: 'error-response', fields: parseErrorFields(p) };
    case BackendCode.NoticeResponse:
      return { type: 'notice-response', fields: parseErrorFields(p) };
    case BackendCode.ParameterStatus:
      return { type: 'parameter-status', ...parseParameterStatus(p) };
    case BackendCode.BackendKeyData:
      return { type: 'backend-key-data', ...parseBackendKeyData(p) };
    case BackendCode.Authentication:
      return parseAuthentication(p);
    case BackendCode.ParameterDescription:
      return { type: 'parameter-description', typeOids: parseParameterDescription(p) };
    case BackendCode.NotificationResponse:
      return { type: 'notification-response', ...parseNotificationResponse(p) };
    case BackendCode.CopyInResponse:
      return { type: 'copy-in-response', ...parseCopyResponse(p) };
    case BackendCode.CopyOutResponse:
      return { type: 'copy-out-response', ...parseCopyResponse(p) };
    case BackendCode.CopyBothResponse:
      return { type: 'copy-both-response', ...parseCopyResponse(p) };
    case BackendCode.CopyData:
      return { type: 'copy-data', data: p };
    case BackendCode.FunctionCallResponse:
      return { type: 'function-call-response', result: parseFunctionCallResponse(p) };
    case BackendCode.NegotiateProtocolVersion:
      return { type: 'negotiate-protocol-version', ...parseNegotiateProtocolVersion(p) };
    default:
      throw new ProtocolError(`invalid backend message type ${frame.code}`);
  }
}
