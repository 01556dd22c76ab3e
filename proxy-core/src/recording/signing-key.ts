import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  fingerprint,
  generateSigningKey,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyFromPem,
  publicKeyFromPrivate,
  publicKeyToPem,
} from '@vigil/recordings';
import type { Logger } from '../logger';

/** The gateway's Ed25519 key that seals recordings. `privateKey` is the 32-byte seed. */
export interface SigningKey {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** SPKI PEM, for `vigil verify --key` and for auditors. */
  publicKeyPem: string;
}

/** PKCS#8 PEM, mode 0600 — the format `openssl pkey` reads. */
export const PRIVATE_KEY_FILE = 'recording-ed25519.pem';
/** SPKI PEM, mode 0644; derived from the private key and rewritten if missing or stale. */
export const PUBLIC_KEY_FILE = 'recording-ed25519.pub.pem';

/**
 * Loads the recording signing key from `keysDir`, creating it on first use. The directory is created
 * 0700 and the private key 0600; a private key readable by group or others is used but logged as a
 * warning (like OpenSSH's "UNPROTECTED PRIVATE KEY FILE", but without refusing to start).
 */
export function loadOrCreateSigningKey(keysDir: string, opts: { logger?: Logger } = {}): SigningKey {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const privatePath = join(keysDir, PRIVATE_KEY_FILE);
  let privateKey = readPrivateKey(privatePath, opts.logger);
  if (!privateKey) {
    createPrivateKey(privatePath, privateKeyToPem(generateSigningKey().privateKey));
    privateKey = readPrivateKey(privatePath, opts.logger) as Uint8Array;
    opts.logger?.info('created recording signing key', { path: privatePath });
  }
  const publicKey = publicKeyFromPrivate(privateKey);
  const publicKeyPem = publicKeyToPem(publicKey);
  syncPublicKeyFile(join(keysDir, PUBLIC_KEY_FILE), publicKeyPem, opts.logger);
  return { privateKey, publicKey, fingerprint: fingerprint(publicKey), publicKeyPem };
}

function readPrivateKey(path: string, logger: Logger | undefined): Uint8Array | undefined {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    logger?.warn('recording signing key is readable by other users; chmod 600 it', { path, mode: mode.toString(8) });
  }
  try {
    return privateKeyFromPem(pem);
  } catch (err) {
    throw new Error(`${path}: not an Ed25519 PKCS#8 private key (${(err as Error).message})`);
  }
}

/** Write to a temporary file, then hard-link into place: never a half-written key, never a clobbered one. */
function createPrivateKey(path: string, pem: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } catch (err) {
    // Another gateway process created the key first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
}

function syncPublicKeyFile(path: string, pem: string, logger: Logger | undefined): void {
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined; // missing or unreadable: written below
  }
  if (current !== undefined) {
    try {
      if (publicKeyToPem(publicKeyFromPem(current)) === pem) return;
    } catch {
      // not a public key PEM at all: rewritten below, like a stale one
    }
    logger?.warn('public key file did not match the private key; rewriting it', { path });
  }
  writeFileSync(path, pem, { mode: 0o644 });
  chmodSync(path, 0o644);
}
