import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_TOKEN_FAILURES, badTokens } from '../../test/support/bad-tokens';
import { silentLogger } from '../logger';
import { createDevIssuer } from './dev-issuer';
import { DEV_ISSUER_KEY_FILE } from './dev-issuer-key';
import { AuthError } from './identity.types';
import { createTokenVerifier } from './token-verifier';

const ROLES = { admin: ['vigil-admins'], agent: ['ai-agents'] };
const ISSUER = 'http://127.0.0.1:7480/dev-issuer';

describe('createDevIssuer', () => {
  const dirs: string[] = [];
  const newKeysDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-dev-issuer-'));
    dirs.push(dir);
    return join(dir, 'keys');
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('mints in one instance, verifies in another that reads the same keysDir', async () => {
    const keysDir = newKeysDir();
    const cli = createDevIssuer({ keysDir, issuerUrl: ISSUER, audience: 'vigil' });
    const token = await cli.mint({ sub: 'claude', groups: ['ai-agents'], extra: { name: 'Claude' } });

    const gateway = createDevIssuer({ keysDir, issuerUrl: ISSUER, audience: 'vigil' });
    expect(gateway.jwks).toEqual(cli.jwks);
    const verifier = createTokenVerifier({
      issuer: gateway.issuerUrl,
      audience: 'vigil',
      groupsClaim: 'groups',
      roles: ROLES,
      jwks: gateway.jwks,
      logger: silentLogger,
    });
    expect(await verifier.verify(token)).toMatchObject({
      sub: 'claude',
      groups: ['ai-agents'],
      roles: ['agent'],
      issuer: ISSUER,
      name: 'Claude',
    });
  });

  it('puts the standard claims, the dev marker and the kid in every token', async () => {
    const dev = createDevIssuer({ keysDir: newKeysDir(), issuerUrl: ISSUER, audience: 'vigil' });
    const token = await dev.mint({ sub: 'ops', groups: ['vigil-admins'], ttlSec: 60, audience: 'other' });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: dev.jwks.keys[0]?.kid, typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: ISSUER, aud: 'other', sub: 'ops', groups: ['vigil-admins'], vigil_dev: true });
    expect(claims.exp).toBe((claims.iat ?? 0) + 60);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeJwt(await dev.mint({ sub: 'ops', groups: [] })).jti).not.toBe(claims.jti);
  });

  it('gives processes that start together one key', async () => {
    const keysDir = newKeysDir();
    const moduleUrl = new URL('./dev-issuer-key.ts', import.meta.url).href;
    const script = `import(${JSON.stringify(moduleUrl)}).then((m) => process.stdout.write(m.loadOrCreateDevIssuerKey(process.argv[1]).kid))`;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', '-e', script, keysDir], (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        );
      });
    const kids = await Promise.all([run(), run(), run(), run()]);
    expect(new Set(kids).size).toBe(1);
    expect(readdirSync(keysDir)).toEqual([DEV_ISSUER_KEY_FILE]);
  });

  it('keeps its key private: 0600 file, 0700 directory, public JWKS only', () => {
    const keysDir = newKeysDir();
    const dev = createDevIssuer({ keysDir, issuerUrl: ISSUER, audience: 'vigil' });
    const file = join(keysDir, DEV_ISSUER_KEY_FILE);
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(keysDir).mode & 0o777).toBe(0o700);
    }
    expect(dev.jwks.keys).toHaveLength(1);
    expect(dev.jwks.keys[0]).not.toHaveProperty('d');
    expect((JSON.parse(readFileSync(file, 'utf8')) as JWK).d).toBeTypeOf('string');
  });

  it.skipIf(process.platform === 'win32')('refuses a key file other users can read', () => {
    const keysDir = newKeysDir();
    createDevIssuer({ keysDir, issuerUrl: ISSUER, audience: 'vigil' });
    chmodSync(join(keysDir, DEV_ISSUER_KEY_FILE), 0o644);
    expect(() => createDevIssuer({ keysDir, issuerUrl: ISSUER, audience: 'vigil' })).toThrow(/chmod 600/);
  });

  it('exists on loopback only', () => {
    const keysDir = newKeysDir();
    for (const issuerUrl of [
      'http://127.0.0.1:7480',
      'http://localhost:1/x',
      'http://[::1]:7480/dev',
      'https://127.0.0.2',
    ]) {
      expect(createDevIssuer({ keysDir, issuerUrl, audience: 'vigil' }).issuerUrl).toBe(issuerUrl);
    }
    for (const issuerUrl of [
      'http://0.0.0.0:7480',
      'http://10.0.0.7/dev',
      'https://idp.example.com',
      'file:///tmp/x',
      'x',
    ]) {
      expect(() => createDevIssuer({ keysDir, issuerUrl, audience: 'vigil' })).toThrow(/loopback|not a URL/);
    }
  });

  it('refuses to let extra claims override the standard ones, and bad arguments', async () => {
    const dev = createDevIssuer({ keysDir: newKeysDir(), issuerUrl: ISSUER, audience: 'vigil' });
    await expect(dev.mint({ sub: 'a', groups: [], extra: { iss: 'https://evil', groups: ['x'] } })).rejects.toThrow(
      'mint: extra cannot set iss, groups',
    );
    await expect(dev.mint({ sub: '', groups: [] })).rejects.toThrow(/sub/);
    await expect(dev.mint({ sub: 'a', groups: [], ttlSec: 0 })).rejects.toThrow(/ttlSec/);
  });

  it('is refused by the verifier for every bad token made with its key', async () => {
    const keysDir = newKeysDir();
    const dev = createDevIssuer({ keysDir, issuerUrl: ISSUER, audience: 'vigil' });
    const key = JSON.parse(readFileSync(join(keysDir, DEV_ISSUER_KEY_FILE), 'utf8')) as JWK;
    const verifier = createTokenVerifier({
      issuer: ISSUER,
      audience: 'vigil',
      groupsClaim: 'groups',
      roles: ROLES,
      jwks: dev.jwks,
      logger: silentLogger,
    });
    for (const [name, token] of Object.entries(await badTokens(ISSUER, 'vigil', key))) {
      const err = await verifier.verify(token).catch((e: unknown) => e);
      expect([name, err instanceof AuthError && err.code]).toEqual([name, BAD_TOKEN_FAILURES[name as 'expired']]);
    }
  });

  describe('over HTTP', () => {
    let server: Server;
    let issuerUrl: string;
    let dev: ReturnType<typeof createDevIssuer>;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (!dev.handle(req, res)) res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      issuerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev-issuer`;
      dev = createDevIssuer({ keysDir: newKeysDir(), issuerUrl, audience: 'vigil' });
    });
    afterAll(() => {
      server.close();
    });

    it('serves discovery and the public JWKS, marked as development', async () => {
      const res = await fetch(`${issuerUrl}/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-vigil-dev-issuer')).toMatch(/development/);
      expect(await res.json()).toMatchObject({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/jwks`, vigil_dev: true });
      const jwks = (await (await fetch(`${issuerUrl}/jwks?x=1`)).json()) as { keys: JWK[]; vigil_dev: boolean };
      expect(jwks).toEqual({ keys: dev.jwks.keys, vigil_dev: true });
    });

    it('answers only its own paths and methods', async () => {
      expect((await fetch(`${issuerUrl}/other`)).status).toBe(404);
      expect((await fetch(new URL('/jwks', issuerUrl))).status).toBe(404);
      const post = await fetch(`${issuerUrl}/jwks`, { method: 'POST' });
      expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    });

    it('works with discovery, as an external verifier would use it', async () => {
      const verifier = createTokenVerifier({
        issuer: issuerUrl,
        audience: 'vigil',
        groupsClaim: 'groups',
        roles: ROLES,
        logger: silentLogger,
        allowInsecureHttp: true,
      });
      const token = await dev.mint({ sub: 'agent-7', groups: ['ai-agents'] });
      expect(await verifier.verify(token)).toMatchObject({ sub: 'agent-7', roles: ['agent'] });
    });
  });
});
