import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDE_CLIENT, IDE_REDIRECT_URI, startTestIdp, type TestIdp } from '../../test/support/oidc-provider';
import { silentLogger } from '../logger';
import { createHumanLogin, LoginError } from './human-login';
import { AuthError } from './identity.types';
import { createTokenVerifier } from './token-verifier';

describe('createHumanLogin against a real oidc-provider (code + PKCE)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ audience: 'vigil' });
  });
  afterAll(async () => {
    await idp.close();
  });

  const login = (clientId: string, clientSecret?: string) =>
    createHumanLogin({
      issuer: idp.issuer,
      clientId,
      clientSecret,
      redirectUri: IDE_REDIRECT_URI,
      allowInsecureHttp: true,
    });

  it('signs a person in: ID token claims with groups, and an access token the gateway accepts', async () => {
    const human = login(IDE_CLIENT.id, IDE_CLIENT.secret);
    const pending = await human.start();
    const url = new URL(pending.url);
    expect(url.origin).toBe(idp.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'ide',
      response_type: 'code',
      redirect_uri: IDE_REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);

    const callback = await idp.login(pending.url, 'alice');
    expect(callback.href.startsWith(`${IDE_REDIRECT_URI}?`)).toBe(true);
    const { idClaims, accessToken } = await human.finish(callback, pending);
    expect(idClaims).toMatchObject({
      iss: idp.issuer,
      aud: 'ide',
      sub: 'alice',
      nonce: pending.nonce,
      name: 'Alice Admin',
      email: 'alice@example.test',
      groups: ['vigil-admins', 'dba'],
    });

    const verifier = createTokenVerifier({
      issuer: idp.issuer,
      audience: 'vigil',
      groupsClaim: 'groups',
      roles: { admin: ['vigil-admins'], approver: ['dba'] },
      logger: silentLogger,
      allowInsecureHttp: true,
    });
    expect(await verifier.verify(accessToken)).toMatchObject({ sub: 'alice', roles: ['admin', 'approver'] });
  });

  it('works for a public client with PKCE alone', async () => {
    const human = login(IDE_CLIENT.publicId);
    const pending = await human.start();
    const { idClaims } = await human.finish(await idp.login(pending.url, 'bob'), pending);
    expect(idClaims).toMatchObject({ sub: 'bob', groups: ['security'] });
  });

  it('refuses a callback that belongs to another sign-in (state, PKCE verifier)', async () => {
    const human = login(IDE_CLIENT.id, IDE_CLIENT.secret);
    const first = await human.start();
    const second = await human.start();
    expect(second.state).not.toBe(first.state);
    const callback = await idp.login(first.url);
    await expect(human.finish(callback, second)).rejects.toThrow(
      new LoginError('the sign-in response is not valid: unexpected "state" response parameter value'),
    );
    await expect(human.finish(callback, { ...first, codeVerifier: second.codeVerifier })).rejects.toThrow(
      new LoginError('the identity provider rejected the sign-in code (invalid_grant: grant request is invalid)'),
    );
  });

  it('refuses an ID token with another nonce', async () => {
    const human = login(IDE_CLIENT.id, IDE_CLIENT.secret);
    const pending = await human.start();
    const callback = await idp.login(pending.url);
    await expect(human.finish(callback, { ...pending, nonce: 'other' })).rejects.toThrow(/nonce/);
  });

  it('reports an error answer from the IdP', async () => {
    const human = login(IDE_CLIENT.id, IDE_CLIENT.secret);
    const pending = await human.start();
    const callback = new URL(IDE_REDIRECT_URI);
    callback.search = new URLSearchParams({
      error: 'access_denied',
      error_description: 'the user said no',
      state: pending.state,
      iss: idp.issuer,
    }).toString();
    await expect(human.finish(callback, pending)).rejects.toThrow(
      new LoginError('the identity provider refused the sign-in (access_denied: the user said no)'),
    );
  });

  it('refuses a replayed code', async () => {
    const human = login(IDE_CLIENT.id, IDE_CLIENT.secret);
    const pending = await human.start();
    const callback = await idp.login(pending.url);
    await human.finish(callback, pending);
    await expect(human.finish(callback, pending)).rejects.toThrow(/invalid_grant/);
  });

  it('reports an unreachable IdP as issuer_unavailable and tries again later', async () => {
    const human = login(IDE_CLIENT.id, IDE_CLIENT.secret);
    await idp.down();
    try {
      const err = await human.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).code).toBe('issuer_unavailable');
    } finally {
      await idp.up();
    }
    await expect(human.start()).resolves.toMatchObject({ url: expect.stringContaining(idp.issuer) });
  });
});
