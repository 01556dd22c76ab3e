import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('refuses a file that is not a private key', () => {
    const dir = tempDir();
    writeFileSync(join(dir, HOST_KEY_FILE), 'junk');
    expect(() => loadOrCreateHostKey(dir)).toThrow(/not a usable SSH private key/);
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
