import { FRONTEND } from './pg-message-codes';
import { PgDecodeError, type PgReader } from './pg-reader';
import { formatAt, valueText } from './pg-values';

/** A decoded message without its place in the frame. */
export interface DescribedMessage {
  type: string;
  fields: Record<string, unknown>;
}

const BODYLESS: Readonly<Record<number, string>> = {
  [FRONTEND.sync]: 'Sync',
  [FRONTEND.flush]: 'Flush',
  [FRONTEND.terminate]: 'Terminate',
  [FRONTEND.copyDone]: 'CopyDone',
};

/**
 * One message the client sent, by its type byte, its body in `r`. Throws PgDecodeError when the body does not
 * hold the fields its type promises. @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
export function describeFrontend(code: number, r: PgReader): DescribedMessage {
  switch (code) {
    case FRONTEND.query:
      return { type: 'Query', fields: { sql: r.cstring() } };
    case FRONTEND.parse:
      return parseParse(r);
    case FRONTEND.bind:
      return parseBind(r);
    case FRONTEND.execute:
      return { type: 'Execute', fields: { portal: r.cstring(), maxRows: r.int32() } };
    case FRONTEND.describe:
      return { type: 'Describe', fields: parseTarget(r, 'Describe') };
    case FRONTEND.close:
      return { type: 'Close', fields: parseTarget(r, 'Close') };
    case FRONTEND.copyData:
      return parseCopyData(r);
    case FRONTEND.copyFail:
      return { type: 'CopyFail', fields: { message: r.cstring() } };
    case FRONTEND.functionCall:
      return parseFunctionCall(r);
    case FRONTEND.password:
      // Never decoded: it may carry the agent's credential (its OIDC token).
      return { type: 'PasswordMessage', fields: {} };
  }
  const bodyless = BODYLESS[code];
  if (bodyless) return { type: bodyless, fields: {} };
  throw new PgDecodeError(`unknown frontend message type ${JSON.stringify(String.fromCharCode(code))}`);
}

function parseParse(r: PgReader): DescribedMessage {
  const name = r.cstring();
  const sql = r.cstring();
  const count = r.int16();
  const paramTypes: number[] = [];
  for (let i = 0; i < count; i += 1) paramTypes.push(r.uint32());
  return { type: 'Parse', fields: { name, sql, paramTypes } };
}

function parseBind(r: PgReader): DescribedMessage {
  const portal = r.cstring();
  const statement = r.cstring();
  const paramFormats = r.int16List();
  const count = r.int16();
  // One format for all, or one per parameter. @see protocol-message-formats, Bind
  if (paramFormats.length > 1 && paramFormats.length !== count) {
    throw new PgDecodeError(`Bind has ${paramFormats.length} parameter formats but ${count} parameters`);
  }
  const params: (string | null)[] = [];
  for (let i = 0; i < count; i += 1) params.push(valueText(r.lengthPrefixed(), formatAt(paramFormats, i) ?? 0));
  const resultFormats = r.int16List();
  return { type: 'Bind', fields: { portal, statement, params, resultFormats } };
}

/** 'S' a prepared statement, 'P' a portal. */
function parseTarget(r: PgReader, what: string): { target: string; name: string } {
  const target = r.byte();
  if (target !== 0x53 && target !== 0x50) throw new PgDecodeError(`invalid ${what} target ${target}`);
  return { target: String.fromCharCode(target), name: r.cstring() };
}

export function parseCopyData(r: PgReader): DescribedMessage {
  const data = r.rest();
  return { type: 'CopyData', fields: { size: data.length, data: valueText(data, undefined) } };
}

function parseFunctionCall(r: PgReader): DescribedMessage {
  const functionOid = r.uint32();
  r.int16List(); // argument formats
  const argCount = r.int16();
  for (let i = 0; i < argCount; i += 1) r.lengthPrefixed();
  return { type: 'FunctionCall', fields: { functionOid, argCount } };
}
