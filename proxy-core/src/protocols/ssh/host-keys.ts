import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { Logger } from '../../logger';

/** The gateway's own SSH host key (OpenSSH format), under `dataDir/keys`. */
export const HOST_KEY_FILE = 'ssh-host-ed25519';

/**
 * Loads the gateway's SSH host key from `keysDir`, creating an Ed25519 key (0600, with a `.pub` beside it) on
 * first use, so agents can pin the gateway like any SSH server. Returns the private key for `hostKeys`.
 */
export function loadOrCreateHostKey(keysDir: string, opts: { logger?: Logger } = {}): Buffer {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const path = join(keysDir, HOST_KEY_FILE);
  if (existsSync(path)) {
    const key = readFileSync(path);
    const parsed = ssh2.utils.parseKey(key);
    if (parsed instanceof Error || !parsed.isPrivateKey()) {
      const why = parsed instanceof Error ? ` (${parsed.message})` : '';
      throw new Error(`${path}: not a usable SSH private key${why}; remove it and the gateway makes a new one`);
    }
    return key;
  }
  const pair = generateHostKey();
  writeFileSync(path, pair.private, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  writeFileSync(`${path}.pub`, `${pair.public}\n`, { mode: 0o644 });
  opts.logger?.info('created the gateway SSH host key', { path, fingerprint: fingerprintOfLine(pair.public) });
  return Buffer.from(pair.private);
}

/**
 * A new Ed25519 key pair in OpenSSH format. ssh2's generator drops a leading zero byte of the public key, which
 * happens to one key in 256, and then neither half parses (mscdex/ssh2#1390): such a pair is thrown away for another.
 */
function generateHostKey(): { private: string; public: string } {
  for (let attempt = 0; attempt < 16; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'vigil-gateway' });
    const usable = [pair.private, pair.public].every((k) => !(ssh2.utils.parseKey(k) instanceof Error));
    if (usable) return pair;
  }
  throw new Error('could not generate a usable SSH host key');
}

/** `ssh-ed25519 AAAA… comment` as an authorized_keys / known_hosts line carries it. */
export interface PublicKeyLine {
  type: string;
  /** The SSH wire encoding of the key (what host key checks and public key auth compare). */
  blob: Buffer;
}

/** Parses `type base64 [comment]`; throws with the reason when the line is not a public key. */
export function parsePublicKeyLine(line: string): PublicKeyLine {
  const [type, b64] = line.trim().split(/\s+/);
  if (!type || !b64) throw new Error('expected "<type> <base64 key> [comment]", e.g. "ssh-ed25519 AAAA…"');
  const blob = Buffer.from(b64, 'base64');
  const parsed = ssh2.utils.parseKey(`${type} ${b64}`);
  if (parsed instanceof Error) throw new Error(`not a valid ${type} public key: ${parsed.message}`);
  if (!parsed.getPublicSSH().equals(blob)) throw new Error('the key data does not match its type');
  return { type, blob };
}

/** `SHA256:…` as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The fingerprint of the public half of a private key (OpenSSH or PEM). */
export function publicKeyOf(privateKey: Buffer | string): PublicKeyLine {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  return { type: parsed.type, blob: parsed.getPublicSSH() };
}

function fingerprintOfLine(line: string): string {
  return fingerprint(parsePublicKeyLine(line).blob);
}
