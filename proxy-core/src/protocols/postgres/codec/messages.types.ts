/**
 * Decoded protocol messages. Byte-valued fields (parameter values, row values, SASL data) are views
 * into the frame they came from: copy them before keeping them past the frame's lifetime.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

import type { AuthCode } from './message-codes';

/** 0 = text, 1 = binary. */
export type FormatCode = number;

// ---- Frontend (client → server) ----

export interface QueryMessage {
  readonly type: 'query';
  readonly query: string;
}
export interface ParseMessage {
  readonly type: 'parse';
  /** Prepared statement name; '' is the unnamed statement. */
  readonly name: string;
  readonly query: string;
  /** Parameter type OIDs; 0 leaves the type to the server. */
  readonly paramTypes: readonly number[];
}
export interface BindMessage {
  readonly type: 'bind';
  readonly portal: string;
  readonly statement: string;
  /** Empty (all text), one (applies to all) or one per parameter. */
  readonly paramFormats: readonly FormatCode[];
  readonly params: readonly (Uint8Array | null)[];
  readonly resultFormats: readonly FormatCode[];
}
export interface ExecuteMessage {
  readonly type: 'execute';
  readonly portal: string;
  /** 0 = no limit. */
  readonly maxRows: number;
}
/** 'S' = prepared statement, 'P' = portal. */
export type DescribeTarget = 'S' | 'P';
export interface DescribeMessage {
  readonly type: 'describe';
  readonly target: DescribeTarget;
  readonly name: string;
}
export interface CloseMessage {
  readonly type: 'close';
  readonly target: DescribeTarget;
  readonly name: string;
}
export interface CopyDataMessage {
  readonly type: 'copy-data';
  readonly data: Uint8Array;
}
export interface CopyFailMessage {
  readonly type: 'copy-fail';
  readonly message: string;
}
export interface FunctionCallMessage {
  readonly type: 'function-call';
  readonly functionOid: number;
  readonly argFormats: readonly FormatCode[];
  readonly args: readonly (Uint8Array | null)[];
  readonly resultFormat: FormatCode;
}
export interface PasswordMessage {
  readonly type: 'password';
  readonly password: string;
}
export interface SaslInitialResponseMessage {
  readonly type: 'sasl-initial-response';
  readonly mechanism: string;
  /** null when the client sent no initial response (length -1). */
  readonly data: Uint8Array | null;
}
export interface SaslResponseMessage {
  readonly type: 'sasl-response';
  readonly data: Uint8Array;
}
export interface BodylessFrontendMessage {
  readonly type: 'sync' | 'flush' | 'terminate' | 'copy-done';
}

export type FrontendMessage =
  | QueryMessage
  | ParseMessage
  | BindMessage
  | ExecuteMessage
  | DescribeMessage
  | CloseMessage
  | CopyDataMessage
  | CopyFailMessage
  | FunctionCallMessage
  | PasswordMessage
  | SaslInitialResponseMessage
  | SaslResponseMessage
  | BodylessFrontendMessage;

// ---- Backend (server → client) ----

/** Discriminated by `type`, and by `code` (an `AuthCode`) for code that switches on the wire value. */
export type AuthenticationMessage =
  | { readonly type: 'authentication-ok'; readonly code: typeof AuthCode.Ok }
  | { readonly type: 'authentication-cleartext-password'; readonly code: typeof AuthCode.CleartextPassword }
  | {
      readonly type: 'authentication-md5-password';
      readonly code: typeof AuthCode.MD5Password;
      readonly salt: Uint8Array;
    }
  | {
      readonly type: 'authentication-sasl';
      readonly code: typeof AuthCode.SASL;
      readonly mechanisms: readonly string[];
    }
  | {
      readonly type: 'authentication-sasl-continue';
      readonly code: typeof AuthCode.SASLContinue;
      readonly data: Uint8Array;
    }
  | { readonly type: 'authentication-sasl-final'; readonly code: typeof AuthCode.SASLFinal; readonly data: Uint8Array }
  /** Kerberos, GSSAPI, SSPI: the gateway does not do them as a client, but can say which was asked. */
  | {
      readonly type: 'authentication-unsupported';
      readonly code:
        | typeof AuthCode.KerberosV5
        | typeof AuthCode.GSS
        | typeof AuthCode.GSSContinue
        | typeof AuthCode.SSPI;
      readonly data: Uint8Array;
    };

export interface FieldDescription {
  readonly name: string;
  /** OID of the table the column comes from, 0 when it is not a plain column (expressions, casts). */
  readonly tableOid: number;
  /** Attribute number of the column in that table, 0 when not a plain column. */
  readonly attnum: number;
  readonly typeOid: number;
  /** pg_type.typlen: negative for variable width. */
  readonly typeSize: number;
  /** pg_attribute.atttypmod: type-specific, -1 when none. */
  readonly typeMod: number;
  readonly format: FormatCode;
}

/** Field type letter → value; see `ErrorField` for the letters. */
export type ErrorFields = Readonly<Record<string, string>>;

export type BackendMessage =
  | AuthenticationMessage
  | { readonly type: 'parameter-status'; readonly name: string; readonly value: string }
  | { readonly type: 'backend-key-data'; readonly pid: number; readonly secret: number }
  /** `status`: a `TransactionStatus` byte ('I', 'T' or 'E'). */
  | { readonly type: 'ready-for-query'; readonly status: number }
  | { readonly type: 'row-description'; readonly fields: readonly FieldDescription[] }
  | { readonly type: 'data-row'; readonly values: readonly (Uint8Array | null)[] }
  | { readonly type: 'command-complete'; readonly tag: string }
  | { readonly type: 'error-response'; readonly fields: ErrorFields }
  | { readonly type: 'notice-response'; readonly fields: ErrorFields }
  | { readonly type: 'parameter-description'; readonly typeOids: readonly number[] }
  | { readonly type: 'notification-response'; readonly pid: number; readonly channel: string; readonly payload: string }
  | {
      readonly type: 'copy-in-response' | 'copy-out-response' | 'copy-both-response';
      /** Overall format: 0 textual, 1 binary. */
      readonly format: FormatCode;
      readonly columnFormats: readonly FormatCode[];
    }
  | { readonly type: 'copy-data'; readonly data: Uint8Array }
  | { readonly type: 'function-call-response'; readonly result: Uint8Array | null }
  | {
      readonly type: 'negotiate-protocol-version';
      readonly newestMinor: number;
      readonly unrecognized: readonly string[];
    }
  | {
      readonly type:
        | 'empty-query-response'
        | 'no-data'
        | 'parse-complete'
        | 'bind-complete'
        | 'close-complete'
        | 'portal-suspended'
        | 'copy-done';
    };
