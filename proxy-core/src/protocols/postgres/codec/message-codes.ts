/**
 * Message type bytes, authentication request codes and special request codes of the PostgreSQL
 * frontend/backend protocol, version 3.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

/** Messages sent by the client (the agent to the gateway, the gateway to the upstream). */
export const FrontendCode = {
  /** 'B' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-BIND */
  Bind: 0x42,
  /** 'C' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-CLOSE */
  Close: 0x43,
  /** 'd' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYDATA */
  CopyData: 0x64,
  /** 'c' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYDONE */
  CopyDone: 0x63,
  /** 'f' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYFAIL */
  CopyFail: 0x66,
  /** 'D' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DESCRIBE */
  Describe: 0x44,
  /** 'E' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-EXECUTE */
  Execute: 0x45,
  /** 'H' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-FLUSH */
  Flush: 0x48,
  /** 'F' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-FUNCTIONCALL */
  FunctionCall: 0x46,
  /** 'P' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARSE */
  Parse: 0x50,
  /**
   * 'p' — PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse share this byte; which one
   * it is follows from the authentication request the server sent last.
   * @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PASSWORDMESSAGE
   */
  PasswordMessage: 0x70,
  /** 'Q' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-QUERY */
  Query: 0x51,
  /** 'S' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SYNC */
  Sync: 0x53,
  /** 'X' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-TERMINATE */
  Terminate: 0x58,
} as const;
export type FrontendCode = (typeof FrontendCode)[keyof typeof FrontendCode];

/** Messages sent by the server (the gateway to the agent, the upstream to the gateway). */
export const BackendCode = {
  /** 'R' — every Authentication* message; the kind is the first Int32, see {@link AuthCode}. */
  Authentication: 0x52,
  /** 'K' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-BACKENDKEYDATA */
  BackendKeyData: 0x4b,
  /** '2' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-BINDCOMPLETE */
  BindComplete: 0x32,
  /** '3' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-CLOSECOMPLETE */
  CloseComplete: 0x33,
  /** 'C' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COMMANDCOMPLETE */
  CommandComplete: 0x43,
  /** 'd' — same byte in both directions. */
  CopyData: 0x64,
  /** 'c' — same byte in both directions. */
  CopyDone: 0x63,
  /** 'G' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYINRESPONSE */
  CopyInResponse: 0x47,
  /** 'H' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYOUTRESPONSE */
  CopyOutResponse: 0x48,
  /** 'W' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYBOTHRESPONSE */
  CopyBothResponse: 0x57,
  /** 'D' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DATAROW */
  DataRow: 0x44,
  /** 'I' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-EMPTYQUERYRESPONSE */
  EmptyQueryResponse: 0x49,
  /** 'E' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-ERRORRESPONSE */
  ErrorResponse: 0x45,
  /** 'V' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-FUNCTIONCALLRESPONSE */
  FunctionCallResponse: 0x56,
  /** 'v' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NEGOTIATEPROTOCOLVERSION */
  NegotiateProtocolVersion: 0x76,
  /** 'n' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NODATA */
  NoData: 0x6e,
  /** 'N' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NOTICERESPONSE */
  NoticeResponse: 0x4e,
  /** 'A' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NOTIFICATIONRESPONSE */
  NotificationResponse: 0x41,
  /** 't' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARAMETERDESCRIPTION */
  ParameterDescription: 0x74,
  /** 'S' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARAMETERSTATUS */
  ParameterStatus: 0x53,
  /** '1' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARSECOMPLETE */
  ParseComplete: 0x31,
  /** 's' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PORTALSUSPENDED */
  PortalSuspended: 0x73,
  /** 'Z' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-READYFORQUERY */
  ReadyForQuery: 0x5a,
  /** 'T' @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-ROWDESCRIPTION */
  RowDescription: 0x54,
} as const;
export type BackendCode = (typeof BackendCode)[keyof typeof BackendCode];

/**
 * The Int32 that follows 'R' and says which Authentication* message it is.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONOK
 */
export const AuthCode = {
  Ok: 0,
  KerberosV5: 2,
  CleartextPassword: 3,
  MD5Password: 5,
  GSS: 7,
  GSSContinue: 8,
  SSPI: 9,
  SASL: 10,
  SASLContinue: 11,
  SASLFinal: 12,
} as const;
export type AuthCode = (typeof AuthCode)[keyof typeof AuthCode];

/**
 * Codes in the place of the protocol version in a startup-phase packet. Each is 1234 in the most
 * significant 16 bits so that no real protocol version can collide with them.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SSLREQUEST
 */
export const RequestCode = {
  /** 1234.5679 @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL */
  SSLRequest: 80877103,
  /** 1234.5680 @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-GSSAPI */
  GSSENCRequest: 80877104,
  /** 1234.5678 @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS */
  CancelRequest: 80877102,
  /** Protocol 3.0 (major 3 << 16 | minor 0), what the gateway speaks on both sides. */
  Protocol3_0: 196608,
} as const;
export type RequestCode = (typeof RequestCode)[keyof typeof RequestCode];

/**
 * Transaction status byte of ReadyForQuery.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-READYFORQUERY
 */
export const TransactionStatus = {
  /** 'I' — not in a transaction block. */
  Idle: 0x49,
  /** 'T' — in a transaction block. */
  InTransaction: 0x54,
  /** 'E' — in a failed transaction block (queries rejected until the block ends). */
  Failed: 0x45,
} as const;
export type TransactionStatus = (typeof TransactionStatus)[keyof typeof TransactionStatus];

/**
 * Field type bytes of ErrorResponse and NoticeResponse.
 * @see https://www.postgresql.org/docs/current/protocol-error-fields.html
 */
export const ErrorField = {
  /** 'S' — severity, possibly localized. */
  Severity: 'S',
  /** 'V' — severity, never localized (PostgreSQL 9.6+). */
  SeverityNonLocalized: 'V',
  /** 'C' — SQLSTATE code. */
  Code: 'C',
  /** 'M' — primary message. */
  Message: 'M',
  /** 'D' — detail. */
  Detail: 'D',
  /** 'H' — hint. */
  Hint: 'H',
  /** 'P' — cursor position in the query string (1-based, characters). */
  Position: 'P',
  /** 'p' — position in an internally generated query. */
  InternalPosition: 'p',
  /** 'q' — the internally generated query. */
  InternalQuery: 'q',
  /** 'W' — context (call stack). */
  Where: 'W',
  /** 's' — schema name. */
  Schema: 's',
  /** 't' — table name. */
  Table: 't',
  /** 'c' — column name. */
  Column: 'c',
  /** 'd' — data type name. */
  DataType: 'd',
  /** 'n' — constraint name. */
  Constraint: 'n',
  /** 'F' — source file. */
  File: 'F',
  /** 'L' — source line. */
  Line: 'L',
  /** 'R' — source routine. */
  Routine: 'R',
} as const;
export type ErrorField = (typeof ErrorField)[keyof typeof ErrorField];
