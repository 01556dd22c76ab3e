// Message type bytes of the PostgreSQL frontend/backend protocol, version 3.
// @see https://www.postgresql.org/docs/current/protocol-message-formats.html

/** Messages the client (the agent) sends, by their first byte. */
export const FRONTEND = {
  bind: 0x42, // 'B'
  close: 0x43, // 'C'
  copyData: 0x64, // 'd'
  copyDone: 0x63, // 'c'
  copyFail: 0x66, // 'f'
  describe: 0x44, // 'D'
  execute: 0x45, // 'E'
  flush: 0x48, // 'H'
  functionCall: 0x46, // 'F'
  parse: 0x50, // 'P'
  /** PasswordMessage, SASLInitialResponse, SASLResponse, GSSResponse: never decoded (may carry a credential). */
  password: 0x70, // 'p'
  query: 0x51, // 'Q'
  sync: 0x53, // 'S'
  terminate: 0x58, // 'X'
} as const;

/** Messages the server sends, by their first byte. */
export const BACKEND = {
  authentication: 0x52, // 'R'
  backendKeyData: 0x4b, // 'K'
  bindComplete: 0x32, // '2'
  closeComplete: 0x33, // '3'
  commandComplete: 0x43, // 'C'
  copyBothResponse: 0x57, // 'W'
  copyData: 0x64, // 'd'
  copyDone: 0x63, // 'c'
  copyInResponse: 0x47, // 'G'
  copyOutResponse: 0x48, // 'H'
  dataRow: 0x44, // 'D'
  emptyQueryResponse: 0x49, // 'I'
  errorResponse: 0x45, // 'E'
  functionCallResponse: 0x56, // 'V'
  negotiateProtocolVersion: 0x76, // 'v'
  noData: 0x6e, // 'n'
  noticeResponse: 0x4e, // 'N'
  notificationResponse: 0x41, // 'A'
  parameterDescription: 0x74, // 't'
  parameterStatus: 0x53, // 'S'
  parseComplete: 0x31, // '1'
  portalSuspended: 0x73, // 's'
  readyForQuery: 0x5a, // 'Z'
  rowDescription: 0x54, // 'T'
} as const;

/**
 * The Int32 after the length of a startup-phase packet: a protocol version (major 3 in the high 16 bits) or
 * one of these request codes. @see https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SSLREQUEST
 */
export const REQUEST_CODE = {
  cancel: 80877102, // 1234 << 16 | 5678
  ssl: 80877103, // 1234 << 16 | 5679
  gssenc: 80877104, // 1234 << 16 | 5680
} as const;

/** AuthenticationXxx subtypes ('R' message, first Int32). @see protocol-message-formats, AuthenticationOk … */
export const AUTH_NAMES: Readonly<Record<number, string>> = {
  0: 'AuthenticationOk',
  2: 'AuthenticationKerberosV5',
  3: 'AuthenticationCleartextPassword',
  5: 'AuthenticationMD5Password',
  7: 'AuthenticationGSS',
  8: 'AuthenticationGSSContinue',
  9: 'AuthenticationSSPI',
  10: 'AuthenticationSASL',
  11: 'AuthenticationSASLContinue',
  12: 'AuthenticationSASLFinal',
};

/** ErrorResponse / NoticeResponse field letters. @see https://www.postgresql.org/docs/current/protocol-error-fields.html */
export const ERROR_FIELD_NAMES: Readonly<Record<string, string>> = {
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
