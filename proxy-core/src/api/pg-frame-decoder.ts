import {
  type BackendMessage,
  type ErrorFields,
  type FrontendMessage,
  type PgFrame,
  parseBackend,
  parseFrontend,
  parseStartupPacket,
  RequestCode,
} from '../protocols/postgres/codec';

/** One decoded wire message inside a recorded bytes frame; `offset`/`length` locate it in the frame's bytes. */
export interface PgMessageView {
  type: string;
  offset: number;
  length: number;
  fields: Record<string, unknown>;
}

export interface DecodedPgFrame {
  messages: PgMessageView[];
  /** More messages than MAX_MESSAGES: the rest are left out (their bytes are still in the recording). */
  truncated: boolean;
}

/** A frame of 64 KiB of tiny DataRows is ~6 000 messages; beyond this the IDE shows the hex. */
const MAX_MESSAGES = 10_000;
/** Longest value shown per DataRow cell / Bind parameter / CopyData; the frame's bytes keep the rest. */
export const MAX_VALUE_BYTES = 16 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const P_CODE = 0x70; // 'p': password / SASL message, never decoded (it may carry a credential)

/**
 * Decodes the PostgreSQL messages of one recorded bytes frame (the gateway records whole messages per
 * frame; a client frame may start with the startup packet). Pure: bytes in, descriptions out. A message
 * that does not parse becomes `Invalid`, a cut-off tail `Partial`; decoding never throws.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
export function decodePgFrame(direction: 'client' | 'server', data: Uint8Array): DecodedPgFrame {
  const messages: PgMessageView[] = [];
  const formats: { current: readonly number[] | undefined } = { current: undefined };
  let off = 0;
  if (direction === 'client' && looksLikeStartup(data)) {
    const length = readInt32(data, 0);
    messages.push({ offset: 0, length, ...startupMessage(data.subarray(4, length)) });
    off = length;
  }
  while (off < data.length) {
    if (messages.length >= MAX_MESSAGES) return { messages, truncated: true };
    const rest = data.length - off;
    const length = rest >= 5 ? readInt32(data, off + 1) : -1;
    if (length < 4 || length + 1 > rest) {
      messages.push({ type: 'Partial', offset: off, length: rest, fields: { reason: 'incomplete message' } });
      break;
    }
    const bytes = data.subarray(off, off + 1 + length);
    const frame: PgFrame = { code: data[off] as number, payload: bytes.subarray(5), bytes };
    messages.push({ offset: off, length: bytes.length, ...describe(direction, frame, formats) });
    off += bytes.length;
  }
  return { messages, truncated: false };
}

function describe(
  direction: 'client' | 'server',
  frame: PgFrame,
  formats: { current: readonly number[] | undefined },
): { type: string; fields: Record<string, unknown> } {
  if (direction === 'client' && frame.code === P_CODE) return { type: 'PasswordMessage', fields: {} };
  try {
    if (direction === 'client') return describeFrontend(parseFrontend(frame));
    const message = parseBackend(frame);
    if (message.type === 'row-description') formats.current = message.fields.map((f) => f.format);
    return describeBackend(message, formats.current);
  } catch (err) {
    const code = String.fromCharCode(frame.code);
    return { type: 'Invalid', fields: { code, error: err instanceof Error ? err.message : String(err) } };
  }
}

function describeFrontend(m: FrontendMessage): { type: string; fields: Record<string, unknown> } {
  switch (m.type) {
    case 'query':
      return { type: 'Query', fields: { sql: m.query } };
    case 'parse':
      return { type: 'Parse', fields: { name: m.name, sql: m.query, paramTypes: m.paramTypes } };
    case 'bind':
      return {
        type: 'Bind',
        fields: {
          portal: m.portal,
          statement: m.statement,
          params: m.params.map((p, i) => valueText(p, formatAt(m.paramFormats, i))),
          resultFormats: m.resultFormats,
        },
      };
    case 'execute':
      return { type: 'Execute', fields: { portal: m.portal, maxRows: m.maxRows } };
    case 'describe':
      return { type: 'Describe', fields: { target: m.target, name: m.name } };
    case 'close':
      return { type: 'Close', fields: { target: m.target, name: m.name } };
    case 'copy-data':
      return { type: 'CopyData', fields: { size: m.data.length, data: valueText(m.data, undefined) } };
    case 'copy-fail':
      return { type: 'CopyFail', fields: { message: m.message } };
    case 'function-call':
      return { type: 'FunctionCall', fields: { functionOid: m.functionOid, argCount: m.args.length } };
    case 'sync':
      return { type: 'Sync', fields: {} };
    case 'flush':
      return { type: 'Flush', fields: {} };
    case 'terminate':
      return { type: 'Terminate', fields: {} };
    case 'copy-done':
      return { type: 'CopyDone', fields: {} };
    default:
      // password / SASL messages are answered above and never reach here.
      return { type: 'PasswordMessage', fields: {} };
  }
}

const BODYLESS: Record<string, string> = {
  'empty-query-response': 'EmptyQueryResponse',
  'no-data': 'NoData',
  'parse-complete': 'ParseComplete',
  'bind-complete': 'BindComplete',
  'close-complete': 'CloseComplete',
  'portal-suspended': 'PortalSuspended',
  'copy-done': 'CopyDone',
};

function describeBackend(
  m: BackendMessage,
  formats: readonly number[] | undefined,
): { type: string; fields: Record<string, unknown> } {
  switch (m.type) {
    case 'row-description':
      return {
        type: 'RowDescription',
        fields: {
          columns: m.fields.map((f) => ({
            name: f.name,
            typeOid: f.typeOid,
            tableOid: f.tableOid,
            attnum: f.attnum,
            format: f.format,
          })),
        },
      };
    case 'data-row': {
      const values = m.values.map((v, i) => valueText(v, formatAt(formats, i)));
      const truncated = m.values.some((v) => v !== null && v.length > MAX_VALUE_BYTES);
      return { type: 'DataRow', fields: truncated ? { values, truncated } : { values } };
    }
    case 'command-complete':
      return { type: 'CommandComplete', fields: { tag: m.tag } };
    case 'ready-for-query':
      return { type: 'ReadyForQuery', fields: { status: String.fromCharCode(m.status) } };
    case 'error-response':
      return { type: 'ErrorResponse', fields: errorFields(m.fields) };
    case 'notice-response':
      return { type: 'NoticeResponse', fields: errorFields(m.fields) };
    case 'parameter-status':
      return { type: 'ParameterStatus', fields: { name: m.name, value: m.value } };
    case 'backend-key-data':
      // The cancel secret stays out of the description: it would let a reader cancel the live session's queries.
      return { type: 'BackendKeyData', fields: { pid: m.pid } };
    case 'parameter-description':
      return { type: 'ParameterDescription', fields: { typeOids: m.typeOids } };
    case 'notification-response':
      return { type: 'NotificationResponse', fields: { pid: m.pid, channel: m.channel, payload: m.payload } };
    case 'copy-in-response':
    case 'copy-out-response':
    case 'copy-both-response':
      return { type: COPY_RESPONSES[m.type], fields: { format: m.format, columnFormats: m.columnFormats } };
    case 'copy-data':
      return { type: 'CopyData', fields: { size: m.data.length, data: valueText(m.data, undefined) } };
    case 'function-call-response':
      return { type: 'FunctionCallResponse', fields: { result: valueText(m.result, undefined) } };
    case 'negotiate-protocol-version':
      return { type: 'NegotiateProtocolVersion', fields: { newestMinor: m.newestMinor, unrecognized: m.unrecognized } };
    case 'authentication-sasl':
      return { type: 'AuthenticationSASL', fields: { mechanisms: m.mechanisms } };
    case 'authentication-ok':
    case 'authentication-cleartext-password':
    case 'authentication-md5-password':
    case 'authentication-sasl-continue':
    case 'authentication-sasl-final':
    case 'authentication-unsupported':
      return { type: AUTH_NAMES[m.type], fields: {} };
    default:
      return { type: BODYLESS[m.type] ?? m.type, fields: {} };
  }
}

const COPY_RESPONSES = {
  'copy-in-response': 'CopyInResponse',
  'copy-out-response': 'CopyOutResponse',
  'copy-both-response': 'CopyBothResponse',
} as const;

const AUTH_NAMES = {
  'authentication-ok': 'AuthenticationOk',
  'authentication-cleartext-password': 'AuthenticationCleartextPassword',
  'authentication-md5-password': 'AuthenticationMD5Password',
  'authentication-sasl-continue': 'AuthenticationSASLContinue',
  'authentication-sasl-final': 'AuthenticationSASLFinal',
  'authentication-unsupported': 'AuthenticationUnsupported',
} as const;

/** ErrorResponse / NoticeResponse field letters. @see https://www.postgresql.org/docs/current/protocol-error-fields.html */
const ERROR_FIELD_NAMES: Record<string, string> = {
  S: 'severity',
  V: 'severityNonLocalized',
  C: 'code',
  M: 'message',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internalPosition',
  q: 'internalQuery',
  W: 'where',
  s: 'schema',
  t: 'table',
  c: 'column',
  d: 'dataType',
  n: 'constraint',
  F: 'file',
  L: 'line',
  R: 'routine',
};

function errorFields(fields: ErrorFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [letter, value] of Object.entries(fields)) out[ERROR_FIELD_NAMES[letter] ?? letter] = value;
  return out;
}

function startupMessage(body: Uint8Array): { type: string; fields: Record<string, unknown> } {
  const code = readInt32(body, 0);
  if (code === RequestCode.SSLRequest) return { type: 'SSLRequest', fields: {} };
  if (code === RequestCode.GSSENCRequest) return { type: 'GSSENCRequest', fields: {} };
  if (code === RequestCode.CancelRequest) return { type: 'CancelRequest', fields: {} };
  try {
    const packet = parseStartupPacket(body);
    if (packet.kind !== 'startup') return { type: 'StartupMessage', fields: {} };
    const version = `${packet.protocol >>> 16}.${packet.protocol & 0xffff}`;
    return { type: 'StartupMessage', fields: { protocol: version, params: { ...packet.params } } };
  } catch (err) {
    return { type: 'Invalid', fields: { error: err instanceof Error ? err.message : String(err) } };
  }
}

/** A startup-phase packet: Int32 length equal to the frame (or a prefix of it) and a protocol / request code. */
function looksLikeStartup(data: Uint8Array): boolean {
  if (data.length < 8) return false;
  const length = readInt32(data, 0);
  if (length < 8 || length > data.length) return false;
  const code = readInt32(data, 4);
  return (
    code >>> 16 === 3 ||
    code === RequestCode.SSLRequest ||
    code === RequestCode.GSSENCRequest ||
    code === RequestCode.CancelRequest
  );
}

function formatAt(formats: readonly number[] | undefined, i: number): number | undefined {
  if (!formats || formats.length === 0) return formats ? 0 : undefined;
  return formats.length === 1 ? formats[0] : formats[i];
}

/**
 * A value as the IDE shows it: text when the format says text (or, format unknown, when it is valid UTF-8
 * without control characters), else PostgreSQL's bytea hex form `\x…`. Cut at MAX_VALUE_BYTES.
 */
export function valueText(value: Uint8Array | null, format: number | undefined): string | null {
  if (value === null) return null;
  const shown = value.length > MAX_VALUE_BYTES ? value.subarray(0, MAX_VALUE_BYTES) : value;
  if (format !== 1) {
    const text = format === 0 || !hasControlBytes(shown) ? tryUtf8(shown, value.length > MAX_VALUE_BYTES) : undefined;
    if (text !== undefined) return text;
  }
  return `\\x${Buffer.from(shown.buffer, shown.byteOffset, shown.byteLength).toString('hex')}`;
}

/** C0 controls other than tab, LF and CR, and DEL: text that has them is more likely binary. */
function hasControlBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return true;
  return false;
}

function tryUtf8(bytes: Uint8Array, cut: boolean): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    // A value cut inside a multi-byte character: drop the partial character rather than fall back to hex.
    if (!cut) return undefined;
    for (let back = 1; back <= 3 && back < bytes.length; back++) {
      try {
        return utf8.decode(bytes.subarray(0, bytes.length - back));
      } catch {
        // try one byte shorter
      }
    }
    return undefined;
  }
}

function readInt32(data: Uint8Array, at: number): number {
  return (
    (((data[at] as number) << 24) |
      ((data[at + 1] as number) << 16) |
      ((data[at + 2] as number) << 8) |
      (data[at + 3] as number)) >>>
    0
  );
}
