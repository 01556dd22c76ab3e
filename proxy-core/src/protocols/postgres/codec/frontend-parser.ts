import { BufferReader } from './buffer-reader';
import { ProtocolError } from './errors';
import type { PgFrame } from './framer';
import { FrontendCode } from './message-codes';
import type {
  BindMessage,
  CloseMessage,
  CopyFailMessage,
  DescribeMessage,
  DescribeTarget,
  ExecuteMessage,
  FrontendMessage,
  FunctionCallMessage,
  ParseMessage,
  PasswordMessage,
  QueryMessage,
  SaslInitialResponseMessage,
  SaslResponseMessage,
} from './messages.types';

/**
 * Parsers for what the gateway reads from an agent, one per message, after pg-protocol's `parser.ts`.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

export function parseQuery(reader: BufferReader): QueryMessage {
  return { type: 'query', query: reader.cstring() };
}

export function parseParse(reader: BufferReader): ParseMessage {
  const name = reader.cstring();
  const query = reader.cstring();
  const count = reader.uint16();
  const paramTypes = new Array<number>(count);
  for (let i = 0; i < count; i++) paramTypes[i] = reader.uint32();
  return { type: 'parse', name, query, paramTypes };
}

export function parseBind(reader: BufferReader): BindMessage {
  const portal = reader.cstring();
  const statement = reader.cstring();
  const paramFormats = reader.int16Array();
  const count = reader.uint16();
  const params = new Array<Uint8Array | null>(count);
  for (let i = 0; i < count; i++) params[i] = reader.nullableBytes();
  // PostgreSQL rejects this too (exec_bind_message), and the session must not guess formats.
  if (paramFormats.length > 1 && paramFormats.length !== count) {
    throw new ProtocolError(`bind message has ${paramFormats.length} parameter formats but ${count} parameters`);
  }
  return { type: 'bind', portal, statement, paramFormats, params, resultFormats: reader.int16Array() };
}

export function parseExecute(reader: BufferReader): ExecuteMessage {
  return { type: 'execute', portal: reader.cstring(), maxRows: reader.uint32() };
}

export function parseDescribe(reader: BufferReader): DescribeMessage {
  return { type: 'describe', target: readTarget(reader, 'DESCRIBE'), name: reader.cstring() };
}

export function parseClose(reader: BufferReader): CloseMessage {
  return { type: 'close', target: readTarget(reader, 'CLOSE'), name: reader.cstring() };
}

export function parseCopyFail(reader: BufferReader): CopyFailMessage {
  return { type: 'copy-fail', message: reader.cstring() };
}

export function parseFunctionCall(reader: BufferReader): FunctionCallMessage {
  const functionOid = reader.uint32();
  const argFormats = reader.int16Array();
  const count = reader.uint16();
  const args = new Array<Uint8Array | null>(count);
  for (let i = 0; i < count; i++) args[i] = reader.nullableBytes();
  return { type: 'function-call', functionOid, argFormats, args, resultFormat: reader.int16() };
}

export function parsePasswordMessage(reader: BufferReader): PasswordMessage {
  return { type: 'password', password: reader.cstring() };
}

export function parseSaslInitialResponse(reader: BufferReader): SaslInitialResponseMessage {
  return { type: 'sasl-initial-response', mechanism: reader.cstring(), data: reader.nullableBytes() };
}

export function parseSaslResponse(reader: BufferReader): SaslResponseMessage {
  return { type: 'sasl-response', data: reader.rest() };
}

function readTarget(reader: BufferReader, what: string): DescribeTarget {
  const target = reader.byte();
  if (target === 0x53) return 'S';
  if (target === 0x50) return 'P';
  throw new ProtocolError(`invalid ${what} message subtype ${target}`);
}

/** What a 'p' message means depends on the authentication request the server sent last. */
export type PasswordMessageKind = 'password' | 'sasl-initial-response' | 'sasl-response';

export interface ParseFrontendOptions {
  /** How to read a 'p' message; the gateway asks agents for a cleartext password, so 'password' by default. */
  readonly passwordKind?: PasswordMessageKind;
}

/**
 * Decodes one frontend message. Unknown types and trailing bytes are protocol violations, as in
 * PostgreSQL (`pq_getmsgend`): a message the gateway cannot fully account for is never relayed.
 */
export function parseFrontend(frame: PgFrame, opts: ParseFrontendOptions = {}): FrontendMessage {
  const reader = new BufferReader(frame.payload);
  const message = parseBody(frame.code, reader, opts.passwordKind ?? 'password');
  if (reader.remaining !== 0) {
    throw new ProtocolError(
      `invalid message format: ${reader.remaining} unexpected bytes at the end of '${message.type}'`,
    );
  }
  return message;
}

function parseBody(code: number, reader: BufferReader, passwordKind: PasswordMessageKind): FrontendMessage {
  switch (code) {
    case FrontendCode.Query:
      return parseQuery(reader);
    case FrontendCode.Parse:
      return parseParse(reader);
    case FrontendCode.Bind:
      return parseBind(reader);
    case FrontendCode.Execute:
      return parseExecute(reader);
    case FrontendCode.Describe:
      return parseDescribe(reader);
    case FrontendCode.Close:
      return parseClose(reader);
    case FrontendCode.Sync:
      return { type: 'sync' };
    case FrontendCode.Flush:
      return { type: 'flush' };
    case FrontendCode.Terminate:
      return { type: 'terminate' };
    case FrontendCode.CopyData:
      return { type: 'copy-data', data: reader.rest() };
    case FrontendCode.CopyDone:
      return { type: 'copy-done' };
    case FrontendCode.CopyFail:
      return parseCopyFail(reader);
    case FrontendCode.FunctionCall:
      return parseFunctionCall(reader);
    case FrontendCode.PasswordMessage:
      if (passwordKind === 'sasl-initial-response') return parseSaslInitialResponse(reader);
      if (passwordKind === 'sasl-response') return parseSaslResponse(reader);
      return parsePasswordMessage(reader);
    default:
      throw new ProtocolError(`invalid frontend message type ${code}`);
  }
}
