import { BufferWriter } from './buffer-writer';
import { FrontendCode } from './message-codes';

/**
 * Messages the gateway sends to the upstream, acting as its client. StartupMessage and
 * CancelRequest (startup-phase packets, no type byte) are in `startup.ts`.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

/** PasswordMessage: a cleartext password or an `md5…` hash (see `md5Password`). */
export function serializePasswordMessage(password: string): Uint8Array {
  return new BufferWriter(password.length + 1).addCString(password).flush(FrontendCode.PasswordMessage);
}

/** SASLInitialResponse: chosen mechanism and the client-first-message. */
export function serializeSaslInitialResponse(mechanism: string, data: Uint8Array): Uint8Array {
  return new BufferWriter(mechanism.length + 5 + data.length)
    .addCString(mechanism)
    .addInt32(data.length)
    .addBytes(data)
    .flush(FrontendCode.PasswordMessage);
}

/** SASLResponse: the client-final-message. */
export function serializeSaslResponse(data: Uint8Array): Uint8Array {
  return new BufferWriter(data.length).addBytes(data).flush(FrontendCode.PasswordMessage);
}

export function serializeQuery(query: string): Uint8Array {
  return new BufferWriter(query.length + 1).addCString(query).flush(FrontendCode.Query);
}

/** A Parse with no parameter types named. */
export function serializeParse(name: string, sql: string): Uint8Array {
  return new BufferWriter(name.length + sql.length + 4)
    .addCString(name)
    .addCString(sql)
    .addInt16(0)
    .flush(FrontendCode.Parse);
}

export function serializeSync(): Uint8Array {
  return new BufferWriter(0).flush(FrontendCode.Sync);
}

export function serializeFlush(): Uint8Array {
  return new BufferWriter(0).flush(FrontendCode.Flush);
}

export function serializeTerminate(): Uint8Array {
  return new BufferWriter(0).flush(FrontendCode.Terminate);
}
