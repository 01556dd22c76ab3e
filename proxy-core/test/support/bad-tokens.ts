/**
 * Tokens that must be refused, each for exactly one reason: everything else about them is right (signed with the
 * issuer's real key, right `iss` / `aud`, live, with groups), so a test sees that reason and no other.
 */
import { createPublicKey, generateKeyPairSync, type JsonWebKey, randomUUID } from 'node:crypto';
import { base64url, type JWK, SignJWT } from 'jose';
import type { AuthFailure } from '../../src/identity/identity.types';

export type BadTokenName =
  | 'expired'
  | 'notYetValid'
  | 'wrongIssuer'
  | 'wrongAudience'
  | 'algNone'
  | 'hs256WithPublicKey'
  | 'tampered'
  | 'forgedWithSameKid'
  | 'unknownKid'
  | 'noSub'
  | 'garbage';

/** The AuthFailure each bad token must produce. */
export const BAD_TOKEN_FAILURES: Record<BadTokenName, AuthFailure> = {
  expired: 'expired',
  notYetValid: 'not_yet_valid',
  wrongIssuer: 'bad_issuer',
  wrongAudience: 'bad_audience',
  algNone: 'alg_not_allowed',
  hs256WithPublicKey: 'alg_not_allowed',
  tampered: 'bad_signature',
  forgedWithSameKid: 'bad_signature',
  unknownKid: 'bad_signature',
  noSub: 'malformed',
  garbage: 'malformed',
};

const now = () => Math.floor(Date.now() / 1000);

/** A valid token signed with `key` (a private JWK with `kid` and `alg`); `claims` override the defaults. */
export function signToken(key: JWK, claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const alg = key.alg ?? 'RS256';
  const payload = { sub: 'agent-1', iat: now(), exp: now() + 300, jti: randomUUID(), ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt', ...header }).sign(key);
}

/** One token per BadTokenName. `claims` (default `{ groups: ['ai-agents'] }`) go into every token. */
export async function badTokens(
  issuer: string,
  audience: string,
  goodKey: JWK,
  claims: Record<string, unknown> = { groups: ['ai-agents'] },
): Promise<Record<BadTokenName, string>> {
  const base = { iss: issuer, aud: audience, ...claims };
  const good = await signToken(goodKey, base);
  const [header = '', , signature = ''] = good.split('.');
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  const decoded = JSON.parse(new TextDecoder().decode(base64url.decode(good.split('.')[1] ?? ''))) as object;
  const publicPem = createPublicKey({ key: goodKey as JsonWebKey, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  });
  const otherKey = (kid: string | undefined): JWK => ({ ...freshKeyLike(goodKey), kid, alg: goodKey.alg ?? 'RS256' });
  const { sub: _sub, ...withoutSub } = base as Record<string, unknown>;

  return {
    expired: await signToken(goodKey, { ...base, iat: now() - 7200, exp: now() - 3600 }),
    notYetValid: await signToken(goodKey, { ...base, nbf: now() + 3600, exp: now() + 7200 }),
    wrongIssuer: await signToken(goodKey, { ...base, iss: 'https://evil.example' }),
    wrongAudience: await signToken(goodKey, { ...base, aud: 'someone-else' }),
    algNone: `${encode({ alg: 'none', typ: 'JWT' })}.${encode(decoded)}.`,
    // The classic confusion: HMAC keyed with the bytes of the public key, which a naive verifier would accept.
    hs256WithPublicKey: await new SignJWT({ ...decoded })
      .setProtectedHeader({ alg: 'HS256', kid: goodKey.kid, typ: 'at+jwt' })
      .sign(new TextEncoder().encode(String(publicPem))),
    // Privilege escalation: same header and signature, the payload now claims admin groups.
    tampered: `${header}.${encode({ ...decoded, groups: ['vigil-admins'], sub: 'root' })}.${signature}`,
    forgedWithSameKid: await signToken(otherKey(goodKey.kid), base),
    unknownKid: await signToken(otherKey(`unknown-${randomUUID()}`), base),
    noSub: await new SignJWT({ ...withoutSub, iat: now(), exp: now() + 300 })
      .setProtectedHeader({ alg: goodKey.alg ?? 'RS256', kid: goodKey.kid })
      .sign(goodKey),
    garbage: 'this is not a token',
  };
}

/** A new private key of the same type as `key`, so only the key itself differs. */
function freshKeyLike(key: JWK): JWK {
  const pair =
    key.kty === 'EC'
      ? generateKeyPairSync('ec', { namedCurve: key.crv ?? 'P-256' })
      : key.kty === 'OKP'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return pair.privateKey.export({ format: 'jwk' }) as JWK;
}
