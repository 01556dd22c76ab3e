import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint, HOST_KEY_FILE, loadOrCreateHostKey, parsePublicKeyLine, publicKeyOf } from './host-keys';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigil-hostkey-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('gateway host key', () => {
  it('is created once (0600, with a .pub) and then reused', () => {
    const dir = tempDir();
    const first = loadOrCreateHostKey(join(dir, 'keys'));
    expect(statSync(join(dir, 'keys', HOST_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateHostKey(join(dir, 'keys')).equals(first)).toBe(true);
    const pub = readFileSync(join(dir, 'keys', `${HOST_KEY_FILE}.pub`), 'utf8');
    expect(parsePublicKeyLine(pub).blob.equals(publicKeyOf(first).blob)).toBe(true);
  });

  it('refuses a file that is not a private key, and says how to get a new one', () => {
    const dir = tempDir();
    writeFileSync(join(dir, HOST_KEY_FILE), 'junk');
    expect(() => loadOrCreateHostKey(dir)).toThrow(
      /not a usable SSH private key.*remove it and the gateway makes a new one/,
    );
  });

  it('is always a key ssh2 and OpenSSH read: the generator spoils one key in 256', () => {
    // 2 000 keys: the odds that all would come out usable from the generator alone are about 1 in 2 500.
    const dir = tempDir();
    for (let i = 0; i < 2000; i++) {
      const keys = join(dir, String(i));
      const key = loadOrCreateHostKey(keys);
      expect(() => new ssh2.Server({ hostKeys: [key] }, () => {}), `key ${i}`).not.toThrow();
      const pub = readFileSync(join(keys, `${HOST_KEY_FILE}.pub`), 'utf8');
      expect(parsePublicKeyLine(pub).blob.equals(publicKeyOf(key).blob)).toBe(true);
    }
    // And OpenSSH itself reads the last one.
    const last = join(dir, '1999', HOST_KEY_FILE);
    const derived = execFileSync('ssh-keygen', ['-y', '-f', last], { encoding: 'utf8' });
    expect(parsePublicKeyLine(derived).blob.equals(publicKeyOf(readFileSync(last)).blob)).toBe(true);
  });
});

describe('parsePublicKeyLine / fingerprint', () => {
  it('reads a key as ssh-keygen writes it and fingerprints it as ssh-keygen does', () => {
    const dir = tempDir();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'c', '-f', join(dir, 'k')]);
    const line = readFileSync(join(dir, 'k.pub'), 'utf8');
    const expected = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprint(parsePublicKeyLine(line).blob)).toBe(expected);
  });

  it('says what is wrong with a bad line', () => {
    expect(() => parsePublicKeyLine('ssh-ed25519')).toThrow(/expected/);
    expect(() => parsePublicKeyLine('ssh-ed25519 AAAAnotakey')).toThrow(/not a valid ssh-ed25519 public key/);
  });
});
