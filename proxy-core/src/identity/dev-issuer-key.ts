import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';

/** In the gateway's keys directory, beside its other keys: the name says what the key is for. */
export const DEV_ISSUER_KEY_FILE = 'dev-issuer-ed25519.jwk.json';

export interface DevIssuerKey {
  /** Private JWK (OKP / Ed25519) with `kid`, `alg: EdDSA`, `use: sig`. */
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

/**
 * Loads the development issuer's Ed25519 key from `keysDir`, creating it (mode 0600) on first use. The gateway and
 * `vigil token --dev` run as separate processes and must share one key; if both create it at once, the hard link
 * lets exactly one win and the other reads the winner's key.
 */
export function loadOrCreateDevIssuerKey(keysDir: string): DevIssuerKey {
  const file = join(keysDir, DEV_ISSUER_KEY_FILE);
  try {
    return readKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${randomUUID()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(newKey(), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readKey(file);
}

function newKey(): JWK {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: thumbprint(jwk.x ?? ''), alg: 'EdDSA', use: 'sig' } as JWK;
}

function readKey(file: string): DevIssuerKey {
  const text = readFileSync(file, 'utf8');
  // Whoever can read this key can mint tokens the demo gateway trusts, admin ones included.
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(
      `development issuer key ${file} is accessible to other users (mode ${mode.toString(8)}); chmod 600 it`,
    );
  }
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new Error(`development issuer key ${file} is not JSON; delete it to generate a new one`);
  }
  const { kty, crv, x, d } = jwk;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string' || typeof d !== 'string') {
    throw new Error(`development issuer key ${file} is not an Ed25519 private JWK; delete it to generate a new one`);
  }
  const kid = thumbprint(x);
  return {
    privateJwk: { kty, crv, x, d, kid, alg: 'EdDSA', use: 'sig' },
    publicJwk: { kty, crv, x, kid, alg: 'EdDSA', use: 'sig' },
    kid,
  };
}

/** RFC 7638 JWK thumbprint of an Ed25519 public key (RFC 8037 §2: members crv, kty, x in that order). */
function thumbprint(x: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
    .digest('base64url');
}
