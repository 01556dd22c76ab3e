import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BAD_TOKEN_FAILURES, type BadTokenName, badTokens, signToken } from '../../test/support/bad-tokens';
import { startTestIdp, type TestIdp } from '../../test/support/oidc-provider';
import { createLogger, type Logger, silentLogger } from '../logger';
import { AuthError, type AuthFailure } from './identity.types';
import { createTokenVerifier, type TokenVerifierOptions } from './token-verifier';

const ROLES = { admin: ['vigil-admins'], approver: ['dba'], auditor: ['security'], agent: ['ai-agents'] };

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(err)}`);
  return err;
}

/** Collects log lines, to check that failures are logged and tokens never are. */
function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level: 'debug', write: (l) => lines.push(l) }), { lines });
}

describe('createTokenVerifier against a real oidc-provider', () => {
  let idp: TestIdp;
  let opts: TokenVerifierOptions;
  beforeAll(async () => {
    idp = await startTestIdp({ audience: 'vigil' });
    opts = {
      issuer: idp.issuer,
      audience: 'vigil',
      groupsClaim: 'groups',
      roles: ROLES,
      logger: silentLogger,
      allowInsecureHttp: true,
      jwksCooldownSec: 0,
    };
  });
  afterAll(async () => {
    await idp.close();
  });

  it('turns a client-credentials token into a principal with roles', async () => {
    const verifier = createTokenVerifier(opts);
    const principal = await verifier.verify(await idp.tokenFor('agent-1'));
    expect(principal).toMatchObject({ sub: 'agent-1', groups: ['ai-agents'], roles: ['agent'], issuer: idp.issuer });
    expect(principal.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(await verifier.verify(await idp.tokenFor('admin-1'))).toMatchObject({ sub: 'admin-1', roles: ['admin'] });
  });

  it('refuses a token whose groups map to no role', async () => {
    const err = await failure(createTokenVerifier(opts).verify(await idp.tokenFor('nobody')));
    expect(err.code).toBe('no_role');
    expect(err.message).toBe('principal "nobody" has no groups, which grant no Vigil role');
  });

  it('answers each bad token with its own failure', async () => {
    const verifier = createTokenVerifier(opts);
    const tokens = await badTokens(idp.issuer, 'vigil', idp.signingKey());
    const got: Partial<Record<BadTokenName, AuthFailure>> = {};
    for (const [name, token] of Object.entries(tokens) as [BadTokenName, string][]) {
      got[name] = (await failure(verifier.verify(token))).code;
    }
    expect(got).toEqual(BAD_TOKEN_FAILURES);
    // The crafted tokens are right in every other respect.
    expect(
      await verifier.verify(await signToken(idp.signingKey(), { iss: idp.issuer, aud: 'vigil', groups: ['dba'] })),
    ).toMatchObject({ sub: 'agent-1', roles: ['approver'] });
  });

  it('says what was wrong, without echoing the token', async () => {
    const verifier = createTokenVerifier(opts);
    const tokens = await badTokens(idp.issuer, 'vigil', idp.signingKey());
    const expiredAt = new Date((JSON.parse(atob(tokens.expired.split('.')[1] ?? '')) as { exp: number }).exp * 1000);
    const messages = {
      expired: `token expired at ${expiredAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
      wrongIssuer: `token was issued by "https://evil.example", not "${idp.issuer}"`,
      wrongAudience: 'token is for audience "someone-else", not "vigil"',
      algNone: 'token algorithm "none" is not allowed (allowed: RS256, RS384, RS512, PS256, ES256, ES384, EdDSA)',
      garbage: 'token is not a JWT (three base64url parts separated by dots)',
      noSub: 'token has no "sub" claim',
    };
    for (const [name, message] of Object.entries(messages)) {
      const err = await failure(verifier.verify(tokens[name as BadTokenName]));
      expect(err.message).toBe(message);
    }
    for (const token of Object.values(tokens)) {
      const err = await failure(verifier.verify(token));
      expect(err.message).not.toContain(token.slice(0, 20));
    }
    expect((await failure(verifier.verify(tokens.notYetValid))).message).toMatch(
      /^token is not valid before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it('follows a key rotation: an unknown kid refetches the JWKS', async () => {
    const verifier = createTokenVerifier(opts);
    const before = await idp.tokenFor('agent-1');
    await verifier.verify(before);
    await idp.rotateKeys();
    const after = await idp.tokenFor('agent-1');
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    await expect(verifier.verify(after)).resolves.toMatchObject({ sub: 'agent-1' });
    // The old key is still published, so tokens issued before the rotation keep working until they expire.
    await expect(verifier.verify(before)).resolves.toMatchObject({ sub: 'agent-1' });
  });

  it('within the JWKS cooldown, a rotated key is not fetched yet (no refetch storm from bad kids)', async () => {
    const verifier = createTokenVerifier({ ...opts, jwksCooldownSec: 60 });
    await verifier.verify(await idp.tokenFor('agent-1'));
    await idp.rotateKeys();
    expect((await failure(verifier.verify(await idp.tokenFor('agent-1')))).code).toBe('bad_signature');
  });

  it('keeps verifying with cached keys while the issuer is down, and reports it unavailable for new keys', async () => {
    const log = memoryLogger();
    const verifier = createTokenVerifier({ ...opts, logger: log });
    const token = await idp.tokenFor('agent-1');
    await verifier.verify(token);
    await idp.down();
    try {
      await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'agent-1' });
      const { unknownKid } = await badTokens(idp.issuer, 'vigil', idp.signingKey());
      expect((await failure(verifier.verify(unknownKid))).code).toBe('issuer_unavailable');
    } finally {
      await idp.up();
    }
    expect(log.lines.some((l) => l.includes('JWKS fetch failed'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(token);
  });

  it('stands in the last fetched keys for an unreachable JWKS endpoint, for up to an hour', async () => {
    const log = memoryLogger();
    const verifier = createTokenVerifier({ ...opts, logger: log });
    const exp = Math.floor(Date.now() / 1000) + 3 * 3600;
    const token = await signToken(idp.signingKey(), { iss: idp.issuer, aud: 'vigil', groups: ['ai-agents'], exp });
    await verifier.verify(token);
    await idp.down();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 11 * 60_000); // past jose's 10-minute JWKS cache: it refetches, and fails
      await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'agent-1' });
      vi.setSystemTime(Date.now() + 2 * 3600_000);
      expect((await failure(verifier.verify(token))).code).toBe('issuer_unavailable');
    } finally {
      vi.useRealTimers();
      await idp.up();
    }
    expect(log.lines.some((l) => l.includes('using the keys fetched before'))).toBe(true);
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'agent-1' });
  });

  it('survives an issuer that is down at startup and recovers when it comes back', async () => {
    const token = await idp.tokenFor('agent-1');
    await idp.down();
    const log = memoryLogger();
    let verifier: ReturnType<typeof createTokenVerifier>;
    try {
      verifier = createTokenVerifier({ ...opts, logger: log, discoveryRetrySec: 0 });
      const err = await failure(verifier.verify(token));
      expect(err.code).toBe('issuer_unavailable');
      expect(err.message).toBe(`identity provider ${idp.issuer} is unavailable; try again shortly`);
    } finally {
      await idp.up();
    }
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'agent-1' });
    expect(log.lines.some((l) => l.includes('OIDC discovery failed'))).toBe(true);
  });

  it('does not retry discovery on every token while a failure is recent', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const verifier = createTokenVerifier({ ...opts, issuer, discoveryRetrySec: 60 });
      const token = await idp.tokenFor('agent-1');
      const codes = await Promise.all([1, 2, 3, 4, 5].map(async () => (await failure(verifier.verify(token))).code));
      expect(codes).toEqual(Array(5).fill('issuer_unavailable'));
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });

  it('reads groups from a custom claim, as an array or a space/comma separated string', async () => {
    const verifier = createTokenVerifier({ ...opts, groupsClaim: 'https://vigil.example/groups' });
    const key = idp.signingKey();
    const asString = await signToken(key, {
      iss: idp.issuer,
      aud: ['other', 'vigil'],
      'https://vigil.example/groups': 'dba, security ai-agents',
      name: 'Ada',
      email: 'ada@example.test',
    });
    expect(await verifier.verify(asString)).toMatchObject({
      groups: ['dba', 'security', 'ai-agents'],
      roles: ['approver', 'auditor', 'agent'],
      name: 'Ada',
      email: 'ada@example.test',
    });
  });
});

describe('createTokenVerifier configuration', () => {
  const base = { audience: 'vigil', groupsClaim: 'groups', roles: ROLES, logger: silentLogger };

  it('never allows symmetric algorithms or none', () => {
    for (const alg of ['HS256', 'HS512', 'none', 'RSA-OAEP']) {
      expect(() => createTokenVerifier({ ...base, issuer: 'https://idp.example', algorithms: [alg] })).toThrow(
        /is not allowed/,
      );
    }
  });

  it('requires https for the issuer unless told otherwise', () => {
    expect(() => createTokenVerifier({ ...base, issuer: 'http://127.0.0.1:1' })).toThrow(/must use https/);
    expect(() => createTokenVerifier({ ...base, issuer: 'not a url' })).toThrow(/is not a URL/);
  });
});
