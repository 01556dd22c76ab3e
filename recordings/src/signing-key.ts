import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesEqual, concatBytes, fromBase64, toBase64 } from './bytes';
import { sha256Bytes } from './hash';

/** An Ed25519 key pair: `privateKey` is the 32-byte RFC 8032 seed, `publicKey` the 32-byte point. */
export interface SigningKeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

export function generateSigningKey(): SigningKeyPair {
  const privateKey = ed25519.utils.randomSecretKey();
  return { privateKey, publicKey: ed25519.getPublicKey(privateKey) };
}

export function publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(privateKey);
}

export function signEd25519(message: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, privateKey);
}

/** False (never throws) for malformed keys or signatures. */
export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/**
 * `SHA256:` + unpadded base64 of SHA-256 over the OpenSSH public key blob (string "ssh-ed25519",
 * string key; RFC 4253 §6.6, RFC 8709 §4) — the same text `ssh-keygen -lf` prints for the key.
 */
export function fingerprint(publicKey: Uint8Array): string {
  return `SHA256:${toBase64(sha256Bytes(sshPublicKeyBlob(publicKey)), false)}`;
}

/** The key as an OpenSSH `authorized_keys` line (without comment). */
export function toOpenSshPublicKey(publicKey: Uint8Array): string {
  return `ssh-ed25519 ${toBase64(sshPublicKeyBlob(publicKey))}`;
}

function sshPublicKeyBlob(publicKey: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode('ssh-ed25519');
  const lengths = new Uint8Array(8);
  const view = new DataView(lengths.buffer);
  view.setUint32(0, name.length);
  view.setUint32(4, publicKey.length);
  return concatBytes(lengths.subarray(0, 4), name, lengths.subarray(4), publicKey);
}

/** DER prefixes of the only two structures we need (RFC 8410 §4 SPKI, §7 PKCS#8 OneAsymmetricKey v1). */
const SPKI_PREFIX = new Uint8Array([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

export function publicKeyToPem(publicKey: Uint8Array): string {
  return toPem('PUBLIC KEY', concatBytes(SPKI_PREFIX, checkKey(publicKey)));
}

export function publicKeyFromPem(pem: string): Uint8Array {
  return fromDer(fromPem('PUBLIC KEY', pem), SPKI_PREFIX, 'Ed25519 SPKI public key');
}

export function privateKeyToPem(privateKey: Uint8Array): string {
  return toPem('PRIVATE KEY', concatBytes(PKCS8_PREFIX, checkKey(privateKey)));
}

export function privateKeyFromPem(pem: string): Uint8Array {
  return fromDer(fromPem('PRIVATE KEY', pem), PKCS8_PREFIX, 'Ed25519 PKCS#8 private key');
}

function checkKey(key: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new TypeError(`Ed25519 keys are 32 bytes, got ${key.length}`);
  return key;
}

function toPem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der).replace(/.{64}(?=.)/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function fromPem(label: string, pem: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!m?.[1]) throw new TypeError(`no "${label}" PEM block found`);
  return fromBase64(m[1]);
}

function fromDer(der: Uint8Array, prefix: Uint8Array, what: string): Uint8Array {
  if (der.length !== prefix.length + 32 || !bytesEqual(der.subarray(0, prefix.length), prefix)) {
    throw new TypeError(`not an ${what}`);
  }
  return der.slice(prefix.length);
}

/** `{ publicKey, sign }` for `RecordingWriter.seal()` from a 32-byte private key. */
export function ed25519Signer(privateKey: Uint8Array): {
  publicKey: Uint8Array;
  sign: (message: Uint8Array) => Uint8Array;
} {
  return { publicKey: publicKeyFromPrivate(privateKey), sign: (message) => signEd25519(message, privateKey) };
}
