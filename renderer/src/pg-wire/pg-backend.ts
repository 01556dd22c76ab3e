import { type DescribedMessage, parseCopyData } from './pg-frontend';
import { AUTH_NAMES, BACKEND, ERROR_FIELD_NAMES } from './pg-message-codes';
import { PgDecodeError, type PgReader } from './pg-reader';
import { formatAt, MAX_VALUE_BYTES, valueText } from './pg-values';

/** What one frame's messages share: the result formats of the last RowDescription, for its DataRows. */
export interface BackendState {
  formats: readonly number[] | undefined;
}

const BODYLESS: Readonly<Record<number, string>> = {
  [BACKEND.emptyQueryResponse]: 'EmptyQueryResponse',
  [BACKEND.noData]: 'NoData',
  [BACKEND.parseComplete]: 'ParseComplete',
  [BACKEND.bindComplete]: 'BindComplete',
  [BACKEND.closeComplete]: 'CloseComplete',
  [BACKEND.portalSuspended]: 'PortalSuspended',
  [BACKEND.copyDone]: 'CopyDone',
};

const COPY_RESPONSES: Readonly<Record<number, string>> = {
  [BACKEND.copyInResponse]: 'CopyInResponse',
  [BACKEND.copyOutResponse]: 'CopyOutResponse',
  [BACKEND.copyBothResponse]: 'CopyBothResponse',
};

/**
 * One message the server sent, by its type byte, its body in `r`. Throws PgDecodeError when the body does not
 * hold the fields its type promises. @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
export function describeBackend(code: number, r: PgReader, state: BackendState): DescribedMessage {
  switch (code) {
    case BACKEND.rowDescription:
      return parseRowDescription(r, state);
    case BACKEND.dataRow:
      return parseDataRow(r, state);
    case BACKEND.commandComplete:
      return { type: 'CommandComplete', fields: { tag: r.cstring() } };
    case BACKEND.readyForQuery:
      return { type: 'ReadyForQuery', fields: { status: String.fromCharCode(r.byte()) } };
    case BACKEND.errorResponse:
      return { type: 'ErrorResponse', fields: parseErrorFields(r) };
    case BACKEND.noticeResponse:
      return { type: 'NoticeResponse', fields: parseErrorFields(r) };
    case BACKEND.parameterStatus:
      return { type: 'ParameterStatus', fields: { name: r.cstring(), value: r.cstring() } };
    case BACKEND.backendKeyData:
      return parseBackendKeyData(r);
    case BACKEND.authentication:
      return parseAuthentication(r);
    case BACKEND.copyData:
      return parseCopyData(r);
    case BACKEND.parameterDescription:
      return parseParameterDescription(r);
    case BACKEND.notificationResponse:
      return { type: 'NotificationResponse', fields: { pid: r.int32(), channel: r.cstring(), payload: r.cstring() } };
    case BACKEND.functionCallResponse:
      return { type: 'FunctionCallResponse', fields: { result: valueText(r.lengthPrefixed(), undefined) } };
    case BACKEND.negotiateProtocolVersion:
      return parseNegotiateProtocolVersion(r);
  }
  const copy = COPY_RESPONSES[code];
  if (copy) return { type: copy, fields: { format: r.byte(), columnFormats: r.int16List() } };
  const bodyless = BODYLESS[code];
  if (bodyless) return { type: bodyless, fields: {} };
  throw new PgDecodeError(`unknown backend message type ${JSON.stringify(String.fromCharCode(code))}`);
}

function parseRowDescription(r: PgReader, state: BackendState): DescribedMessage {
  const count = r.int16();
  const columns: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = r.cstring();
    const tableOid = r.uint32();
    const attnum = r.int16();
    const typeOid = r.uint32();
    r.int16(); // type size
    r.int32(); // type modifier
    const format = r.int16();
    columns.push({ name, typeOid, tableOid, attnum, format });
  }
  state.formats = columns.map((c) => c.format as number);
  return { type: 'RowDescription', fields: { columns } };
}

function parseDataRow(r: PgReader, state: BackendState): DescribedMessage {
  const count = r.int16();
  const values: (string | null)[] = [];
  let truncated = false;
  for (let i = 0; i < count; i += 1) {
    const value = r.lengthPrefixed();
    if (value !== null && value.length > MAX_VALUE_BYTES) truncated = true;
    values.push(valueText(value, formatAt(state.formats, i)));
  }
  return { type: 'DataRow', fields: truncated ? { values, truncated } : { values } };
}

/** Letter-coded fields up to a zero byte. @see https://www.postgresql.org/docs/current/protocol-error-fields.html */
function parseErrorFields(r: PgReader): Record<string, string> {
  const out: Record<string, string> = {};
  for (let letter = r.byte(); letter !== 0; letter = r.byte()) {
    const key = String.fromCharCode(letter);
    out[ERROR_FIELD_NAMES[key] ?? key] = r.cstring();
  }
  return out;
}

function parseAuthentication(r: PgReader): DescribedMessage {
  const subtype = r.int32();
  const type = AUTH_NAMES[subtype];
  if (!type) throw new PgDecodeError(`unknown authentication request ${subtype}`);
  // Salts and SASL / GSS data are read past, not shown.
  if (subtype === 5) r.take(4);
  else if (subtype === 8 || subtype === 11 || subtype === 12) r.rest();
  if (subtype !== 10) return { type, fields: {} };
  const mechanisms: string[] = [];
  for (let name = r.cstring(); name !== ''; name = r.cstring()) mechanisms.push(name);
  return { type, fields: { mechanisms } };
}

function parseBackendKeyData(r: PgReader): DescribedMessage {
  const pid = r.int32();
  // The cancel secret stays out: it would let a reader cancel the session's queries. (Int32 up to protocol
  // 3.1, up to 256 bytes from 3.2.)
  if (r.rest().length < 4) throw new PgDecodeError('BackendKeyData without its secret key');
  return { type: 'BackendKeyData', fields: { pid } };
}

function parseParameterDescription(r: PgReader): DescribedMessage {
  const count = r.int16();
  const typeOids: number[] = [];
  for (let i = 0; i < count; i += 1) typeOids.push(r.uint32());
  return { type: 'ParameterDescription', fields: { typeOids } };
}

function parseNegotiateProtocolVersion(r: PgReader): DescribedMessage {
  const newestMinor = r.int32();
  const count = r.int32();
  const unrecognized: string[] = [];
  for (let i = 0; i < count; i += 1) unrecognized.push(r.cstring());
  return { type: 'NegotiateProtocolVersion', fields: { newestMinor, unrecognized } };
}
