import { describe, expect, it } from 'vitest';
import { fromBase64, fromHex, toBase64, toHex } from './bytes';
import { sha256Hex } from './hash';
import {
  ed25519Signer,
  fingerprint,
  generateSigningKey,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyFromPem,
  publicKeyFromPrivate,
  publicKeyToPem,
  toOpenSshPublicKey,
  verifyEd25519,
} from './signing-key';

// RFC 8032 §7.1, TEST 1.
const RFC_SECRET = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const RFC_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

describe('signing keys', () => {
  it('derives the RFC 8032 public key and signs verifiably', () => {
    expect(toHex(publicKeyFromPrivate(RFC_SECRET))).toBe(RFC_PUBLIC);
    const signer = ed25519Signer(RFC_SECRET);
    const sig = signer.sign(new Uint8Array(0));
    expect(toHex(sig)).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(verifyEd25519(sig, new Uint8Array(0), signer.publicKey)).toBe(true);
    expect(verifyEd25519(sig, new Uint8Array(1), signer.publicKey)).toBe(false);
    expect(verifyEd25519(new Uint8Array(3), new Uint8Array(0), signer.publicKey)).toBe(false);
  });

  it('round-trips PEM (SPKI public, PKCS#8 private) in the standard encodings', () => {
    const { privateKey, publicKey } = generateSigningKey();
    const pubPem = `-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n`;
    expect(publicKeyToPem(fromHex(RFC_PUBLIC))).toBe(pubPem);
    expect(toHex(publicKeyFromPem(pubPem))).toBe(RFC_PUBLIC);
    expect(privateKeyFromPem(privateKeyToPem(privateKey))).toEqual(privateKey);
    expect(publicKeyFromPem(`junk\r\n${publicKeyToPem(publicKey).replace(/\n/g, '\r\n')}`)).toEqual(publicKey);
    expect(() => publicKeyFromPem(privateKeyToPem(privateKey))).toThrow(/PUBLIC KEY/);
    expect(() => privateKeyFromPem(privateKeyToPem(privateKey).replace('MC4CAQAw', 'MC4CAQEw'))).toThrow(/PKCS#8/);
  });

  it('fingerprints like ssh-keygen -lf (SHA-256 of the OpenSSH key blob)', () => {
    const pub = fromHex(RFC_PUBLIC);
    expect(toOpenSshPublicKey(pub)).toBe(
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea',
    );
    expect(fingerprint(pub)).toBe(
      `SHA256:${toBase64(fromHex(sha256Hex(fromBase64('AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea'))), false)}`,
    );
  });
});

describe('base64 and hex', () => {
  it('match RFC 4648 test vectors', () => {
    const cases = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
    const want = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy'];
    cases.forEach((c, i) => {
      const bytes = new TextEncoder().encode(c);
      expect(toBase64(bytes)).toBe(want[i]);
      expect(fromBase64(want[i] as string)).toEqual(bytes);
    });
    expect(toBase64(new Uint8Array([0xfb, 0xff]), false)).toBe('+/8');
    expect(() => fromBase64('Zm9v!')).toThrow(TypeError);
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
    expect(() => fromHex('0g')).toThrow(TypeError);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
