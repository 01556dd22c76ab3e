import { errors } from 'jose';
import { AuthError } from './identity.types';

/** What the verifier expected, to say what was wrong instead. */
export interface Expectation {
  issuer: string;
  audience: string;
  /** The token's `kid` header, if any. */
  kid?: string;
}

/**
 * Maps a failure thrown by jose's `jwtVerify` (or the key resolver) to the AuthFailure an agent is shown.
 * Claim values quoted in messages were authenticated already: jose checks the signature before the claims.
 */
export function authErrorFromJose(err: unknown, expected: Expectation): AuthError {
  if (err instanceof AuthError) return err;
  const cause = { cause: err };
  if (err instanceof errors.JWTExpired)
    return new AuthError('expired', `token expired at ${isoTime(err.payload.exp)}`, cause);
  if (err instanceof errors.JWTClaimValidationFailed) return claimFailure(err, expected);
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new AuthError('alg_not_allowed', 'token algorithm is not allowed', cause);
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('bad_signature', 'token signature does not verify with the issuer key', cause);
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    const kid = expected.kid === undefined ? 'without a "kid"' : `kid ${quote(expected.kid)}`;
    return new AuthError('bad_signature', `no signing key of the issuer matches the token (${kid})`, cause);
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) {
    return new AuthError('malformed', `token is not a valid JWT: ${err.message}`, cause);
  }
  // Anything else (e.g. a key too short for its algorithm) is not a token we can trust.
  return new AuthError('bad_signature', 'token could not be verified', cause);
}

function claimFailure(err: errors.JWTClaimValidationFailed, expected: Expectation): AuthError {
  const cause = { cause: err };
  const missing = err.reason === 'missing';
  switch (err.claim) {
    case 'iss':
      return missing
        ? new AuthError('bad_issuer', 'token has no "iss" (issuer) claim', cause)
        : new AuthError(
            'bad_issuer',
            `token was issued by ${quote(err.payload.iss)}, not ${quote(expected.issuer)}`,
            cause,
          );
    case 'aud':
      return missing
        ? new AuthError('bad_audience', 'token has no "aud" (audience) claim', cause)
        : new AuthError(
            'bad_audience',
            `token is for audience ${quote(err.payload.aud)}, not ${quote(expected.audience)}`,
            cause,
          );
    case 'nbf':
      if (err.reason === 'check_failed') {
        return new AuthError('not_yet_valid', `token is not valid before ${isoTime(err.payload.nbf)}`, cause);
      }
      break;
  }
  const detail = missing ? `token has no "${err.claim}" claim` : `token claim "${err.claim}" is invalid`;
  return new AuthError('malformed', detail, cause);
}

/** `2026-11-22T10:00:00Z`: epoch seconds as ISO 8601 UTC without milliseconds. */
export function isoTime(epochSec: unknown): string {
  if (typeof epochSec !== 'number' || !Number.isFinite(epochSec)) return 'an invalid time';
  const date = new Date(epochSec * 1000);
  return Number.isNaN(date.getTime()) ? 'an invalid time' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** JSON-quoted (so control characters cannot forge log lines) and cut to a readable length. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
