import { BufferWriter } from './buffer-writer';
import { BackendCode, ErrorField } from './message-codes';
import { SqlState } from './sqlstate';

export type ErrorSeverity = 'ERROR' | 'FATAL' | 'PANIC';
export type NoticeSeverity = 'WARNING' | 'NOTICE' | 'INFO' | 'LOG' | 'DEBUG';

export interface PgErrorDetails {
  readonly detail?: string;
  readonly hint?: string;
}

/**
 * An error the gateway reports to an agent, which serializes itself as an ErrorResponse (after
 * pg-gateway's `BackendError`): `PgError.fatal(SqlState.INVALID_PASSWORD, 'token expired').toBytes()`.
 * FATAL means the session ends after sending it; ERROR means it goes on (send ReadyForQuery after).
 * @see https://www.postgresql.org/docs/current/protocol-error-fields.html
 */
export class PgError extends Error {
  override readonly name = 'PgError';
  readonly detail: string | undefined;
  readonly hint: string | undefined;

  constructor(
    readonly severity: ErrorSeverity,
    readonly code: string,
    message: string,
    details: PgErrorDetails = {},
  ) {
    super(message);
    this.detail = details.detail;
    this.hint = details.hint;
  }

  static fatal(code: string, message: string, details?: PgErrorDetails): PgError {
    return new PgError('FATAL', code, message, details);
  }

  static error(code: string, message: string, details?: PgErrorDetails): PgError {
    return new PgError('ERROR', code, message, details);
  }

  /** ErrorResponse with fields S, V, C, M, then D and H when given. */
  toBytes(): Uint8Array {
    return serializeNoticeFields(BackendCode.ErrorResponse, this.severity, this.code, this.message, this);
  }
}

export interface PgNoticeOptions extends PgErrorDetails {
  /** SQLSTATE; 00000 by default, as PostgreSQL uses for plain notices. */
  readonly code?: string;
  readonly severity?: NoticeSeverity;
}

/** NoticeResponse with fields S, V, C, M, then D and H when given (gateway → agent, e.g. "held for approval"). */
export function pgNotice(message: string, opts: PgNoticeOptions = {}): Uint8Array {
  const code = opts.code ?? SqlState.SUCCESSFUL_COMPLETION;
  return serializeNoticeFields(BackendCode.NoticeResponse, opts.severity ?? 'NOTICE', code, message, opts);
}

function serializeNoticeFields(
  messageCode: number,
  severity: string,
  code: string,
  message: string,
  details: PgErrorDetails,
): Uint8Array {
  const writer = new BufferWriter(32 + message.length + (details.detail?.length ?? 0) + (details.hint?.length ?? 0));
  addField(writer, ErrorField.Severity, severity);
  addField(writer, ErrorField.SeverityNonLocalized, severity);
  addField(writer, ErrorField.Code, code);
  addField(writer, ErrorField.Message, message);
  if (details.detail !== undefined) addField(writer, ErrorField.Detail, details.detail);
  if (details.hint !== undefined) addField(writer, ErrorField.Hint, details.hint);
  return writer.addByte(0).flush(messageCode);
}

function addField(writer: BufferWriter, field: string, value: string): void {
  writer.addByte(field.charCodeAt(0)).addCString(value);
}
