import { SqlState } from './sqlstate';

/**
 * Bytes that do not follow the protocol. Carries the SQLSTATE the gateway answers with, so that a
 * session can turn it into `PgError.fatal(err.sqlState, err.message)` and close only that session.
 */
export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError';
  constructor(
    message: string,
    readonly sqlState: string = SqlState.PROTOCOL_VIOLATION,
  ) {
    super(message);
  }
}

/** A length prefix that cannot be right: the stream is out of sync and cannot be recovered. */
export class FramingError extends ProtocolError {
  override readonly name: string = 'FramingError';
}
