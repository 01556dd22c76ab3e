import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeyFromPem, toOpenSshPublicKey } from '@vigil/recordings';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { loadOrCreateSigningKey, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from './signing-key';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hasSshKeygen = (() => {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined; // exits non-zero on -?, but exists
  }
})();

describe('loadOrCreateSigningKey', () => {
  it('creates a 0600 PKCS#8 key on first use and reloads the same key later', () => {
    const keysDir = join(dir, 'keys');
    const first = loadOrCreateSigningKey(keysDir);
    expect(statSync(join(keysDir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(keysDir, PUBLIC_KEY_FILE)).mode & 0o777).toBe(0o644);
    expect(statSync(keysDir).mode & 0o777).toBe(0o700);
    const again = loadOrCreateSigningKey(keysDir);
    expect(again.privateKey).toEqual(first.privateKey);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(first.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(readFileSync(join(keysDir, PUBLIC_KEY_FILE), 'utf8')).toBe(first.publicKeyPem);
  });

  it('writes standard PEM that OpenSSL-backed node:crypto reads', () => {
    const key = loadOrCreateSigningKey(dir);
    const priv = createPrivateKey(readFileSync(join(dir, PRIVATE_KEY_FILE)));
    expect(priv.asymmetricKeyType).toBe('ed25519');
    const pub = createPublicKey(priv).export({ type: 'spki', format: 'pem' }).toString();
    expect(pub).toBe(key.publicKeyPem);
    expect(publicKeyFromPem(pub)).toEqual(key.publicKey);
  });

  it.skipIf(!hasSshKeygen)('has the fingerprint ssh-keygen prints', () => {
    const key = loadOrCreateSigningKey(dir);
    writeFileSync(join(dir, 'k.pub'), `${toOpenSshPublicKey(key.publicKey)} vigil\n`);
    const out = execFileSync('ssh-keygen', ['-lf', join(dir, 'k.pub')], { encoding: 'utf8' });
    expect(out.split(' ')[1]).toBe(key.fingerprint);
  });

  it('rewrites a missing or stale public key file, and warns about a world-readable private key', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
    const key = loadOrCreateSigningKey(dir, { logger });
    rmSync(join(dir, PUBLIC_KEY_FILE));
    chmodSync(join(dir, PRIVATE_KEY_FILE), 0o644);
    loadOrCreateSigningKey(dir, { logger });
    expect(readFileSync(join(dir, PUBLIC_KEY_FILE), 'utf8')).toBe(key.publicKeyPem);
    expect(lines.some((l) => l.includes('readable by other users'))).toBe(true);
    writeFileSync(join(dir, PUBLIC_KEY_FILE), 'garbage');
    loadOrCreateSigningKey(dir, { logger });
    expect(readFileSync(join(dir, PUBLIC_KEY_FILE), 'utf8')).toBe(key.publicKeyPem);
  });

  it('refuses a private key file that is not an Ed25519 key', () => {
    writeFileSync(join(dir, PRIVATE_KEY_FILE), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', {
      mode: 0o600,
    });
    expect(() => loadOrCreateSigningKey(dir)).toThrow(/not an Ed25519 PKCS#8 private key/);
    expect(existsSync(join(dir, `${PRIVATE_KEY_FILE}.${process.pid}.tmp`))).toBe(false);
  });
});
