import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, type TestIdp } from './oidc-provider';

describe('test IdP (real oidc-provider)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ audience: 'vigil-test' });
  });
  afterAll(async () => {
    await idp.close();
  });

  it('serves discovery on 127.0.0.1', async () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const meta = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.jwks_uri).toBe(`${idp.issuer}/jwks`);
  });

  it('issues client-credentials JWT access tokens for the audience, with the client groups', async () => {
    const token = await idp.tokenFor('agent-1');
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${idp.issuer}/jwks`)), {
      issuer: idp.issuer,
      audience: 'vigil-test',
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: idp.signingKey().kid });
    expect(payload).toMatchObject({ sub: 'agent-1', client_id: 'agent-1', groups: ['ai-agents'] });
    expect(decodeJwt(await idp.tokenFor('nobody'))).not.toHaveProperty('groups');
    await expect(idp.tokenFor('no-such-client')).rejects.toThrow(/invalid_client/);
  });

  it('rotates keys: new tokens get the new kid, the old key stays published', async () => {
    const before = idp.signingKey().kid;
    await idp.rotateKeys();
    const after = idp.signingKey().kid;
    expect(after).not.toBe(before);
    expect(decodeProtectedHeader(await idp.tokenFor('agent-1')).kid).toBe(after);
    const jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([after, before]);
    expect(jwks.keys.some((k) => 'd' in k)).toBe(false);
  });

  it('goes down and comes back up on the same port', async () => {
    await idp.down();
    await expect(fetch(`${idp.issuer}/jwks`)).rejects.toThrow();
    await idp.up();
    expect((await fetch(`${idp.issuer}/jwks`)).status).toBe(200);
    expect(idp.serverErrors).toEqual([]);
  });
});
