/**
 * SQLSTATE codes the gateway sends to agents, by their PostgreSQL condition names.
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export const SqlState = {
  /** 00000 successful_completion (NoticeResponse default). */
  SUCCESSFUL_COMPLETION: '00000',
  /** 01000 warning */
  WARNING: '01000',
  /** 08000 connection_exception */
  CONNECTION_EXCEPTION: '08000',
  /** 08001 sqlclient_unable_to_establish_sqlconnection (upstream unreachable) */
  SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION: '08001',
  /** 08004 sqlserver_rejected_establishment_of_sqlconnection (upstream refused the gateway) */
  SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION: '08004',
  /** 08006 connection_failure */
  CONNECTION_FAILURE: '08006',
  /** 08P01 protocol_violation (malformed or oversized wire messages) */
  PROTOCOL_VIOLATION: '08P01',
  /** 0A000 feature_not_supported (unsupported protocol version, replication, channel binding…) */
  FEATURE_NOT_SUPPORTED: '0A000',
  /** 22023 invalid_parameter_value */
  INVALID_PARAMETER_VALUE: '22023',
  /** 28000 invalid_authorization_specification (no user, bad token, unknown principal) */
  INVALID_AUTHORIZATION_SPECIFICATION: '28000',
  /** 28P01 invalid_password */
  INVALID_PASSWORD: '28P01',
  /** 26000 invalid_sql_statement_name (a Bind of a prepared statement the server does not have) */
  INVALID_SQL_STATEMENT_NAME: '26000',
  /** 3D000 invalid_catalog_name (unknown Vigil connection in `database`) */
  INVALID_CATALOG_NAME: '3D000',
  /** 42501 insufficient_privilege (policy deny) */
  INSUFFICIENT_PRIVILEGE: '42501',
  /** 42601 syntax_error */
  SYNTAX_ERROR: '42601',
  /** 53000 insufficient_resources */
  INSUFFICIENT_RESOURCES: '53000',
  /** 53300 too_many_connections */
  TOO_MANY_CONNECTIONS: '53300',
  /** 54000 program_limit_exceeded (message over the size limit) */
  PROGRAM_LIMIT_EXCEEDED: '54000',
  /** 55000 object_not_in_prerequisite_state */
  OBJECT_NOT_IN_PREREQUISITE_STATE: '55000',
  /** 57014 query_canceled (approval timed out, cancel request) */
  QUERY_CANCELED: '57014',
  /** 57P01 admin_shutdown (session terminated by an operator, gateway shutting down) */
  ADMIN_SHUTDOWN: '57P01',
  /** 57P03 cannot_connect_now */
  CANNOT_CONNECT_NOW: '57P03',
  /** 58000 system_error (recording or store failure: fail closed) */
  SYSTEM_ERROR: '58000',
  /** XX000 internal_error */
  INTERNAL_ERROR: 'XX000',
} as const;
export type SqlState = (typeof SqlState)[keyof typeof SqlState];
