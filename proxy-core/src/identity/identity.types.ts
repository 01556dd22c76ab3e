/** Vigil's roles; config maps IdP groups onto them (DESIGN.md, Identity). */
export type Role = 'admin' | 'approver' | 'auditor' | 'agent';

export const ROLES = ['admin', 'approver', 'auditor', 'agent'] as const satisfies readonly Role[];

/** Who is on the other end of a session or an API call, as proven by a verified token. */
export interface Principal {
  sub: string;
  groups: string[];
  roles: Role[];
  issuer: string;
  /** Epoch seconds: the token's `exp`. */
  expiresAt: number;
  name?: string;
  email?: string;
}

/** Role → the IdP group names that grant it (`auth.roles` in vigil.yaml). */
export type RoleMap = Partial<Record<Role, string[]>>;

export type AuthFailure =
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_issuer'
  | 'bad_audience'
  | 'bad_signature'
  | 'alg_not_allowed'
  | 'no_role'
  | 'issuer_unavailable';

/**
 * A refused token. `message` is meant for the agent or person holding the token, so it never carries the token,
 * keys or internal error details; those go to the log.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthFailure;

  constructor(code: AuthFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
