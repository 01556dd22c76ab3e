import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { saslprep } from './saslprep';
import { decodeUtf8, encodeUtf8 } from './text';

/**
 * SCRAM-SHA-256 client (RFC 5802, RFC 7677) as PostgreSQL uses it, without channel binding.
 * @see https://www.postgresql.org/docs/current/sasl-authentication.html#SASL-SCRAM-SHA-256
 */

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

/** gs2 header "n,,": no channel binding, no authzid; "biws" is its base64 for client-final `c=`. */
const GS2_HEADER = 'n,,';
const CHANNEL_BINDING = 'biws';
/** libpq's SCRAM_RAW_NONCE_LEN. */
const NONCE_BYTES = 18;
/** PostgreSQL's default scram_iterations is 4096; far more means a hostile or broken server stalling us. */
const DEFAULT_MAX_ITERATIONS = 1_000_000;

export interface ScramClientOptions {
  /** Used as UTF-8 after libpq-compatible SASLprep (see `saslprep.ts`). */
  readonly password: string;
  /** Client nonce, printable ASCII without ','; random (18 bytes, base64) unless a test injects one. */
  readonly nonce?: string;
  /**
   * Name in the client-first-message. PostgreSQL ignores it and uses the startup packet's `user`,
   * so libpq sends '' and so do we by default; set it only to reproduce RFC test vectors.
   */
  readonly username?: string;
  /** Refuse servers asking for more PBKDF2 iterations than this (pbkdf2 blocks the event loop). */
  readonly maxIterations?: number;
  /** Where salted passwords are kept between handshakes; the module's own cache by default. */
  readonly saltedPasswords?: SaltedPasswordCache;
}

/**
 * SaltedPassword := Hi(password, salt, iterations) (RFC 5802 §3) depends only on the stored credential and the
 * role's salt, which stay the same from one connection to the next: it is computed once, not per session. PBKDF2 with
 * PostgreSQL's 4 096 iterations takes most of a millisecond of the event loop, the largest part of opening a session.
 * Keyed by a hash of the password, the salt and the count, so a password change or a new salt derives again.
 */
export type SaltedPasswordCache = Map<string, Uint8Array>;

const SALTED_PASSWORDS: SaltedPasswordCache = new Map();
/** Distinct credentials a gateway keeps derived keys for; a server handing out fresh salts only evicts. */
const MAX_SALTED_PASSWORDS = 256;

function saltedPassword(
  cache: SaltedPasswordCache,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Uint8Array {
  const normalized = encodeUtf8(saslprep(password));
  const key = `${iterations}:${toBase64(salt)}:${createHash('sha256').update(normalized).digest('base64')}`;
  const known = cache.get(key);
  if (known) return known;
  const derived = pbkdf2Sync(normalized, salt, iterations, 32, 'sha256');
  cache.set(key, derived);
  if (cache.size > MAX_SALTED_PASSWORDS) cache.delete(cache.keys().next().value as string);
  return derived;
}

export interface ScramClient {
  /** Picks SCRAM-SHA-256 from AuthenticationSASL's list; `data` is the client-first-message. */
  initialResponse(mechanisms: readonly string[]): { mechanism: string; data: Uint8Array };
  /** Takes AuthenticationSASLContinue's data (server-first-message); returns the client-final-message. */
  continue(serverFirst: Uint8Array): Uint8Array;
  /** Takes AuthenticationSASLFinal's data; throws unless it proves the server knows the password. */
  finish(serverFinal: Uint8Array): void;
}

export class ScramError extends Error {
  override readonly name = 'ScramError';
}

type Step = 'initial' | 'awaiting-server-first' | 'awaiting-server-final' | 'done';

export function createScramClient(opts: ScramClientOptions): ScramClient {
  const clientNonce = opts.nonce ?? randomBytes(NONCE_BYTES).toString('base64');
  if (!/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) {
    throw new ScramError('SCRAM nonce must be printable ASCII without ","');
  }
  const maxIterations = opts.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const clientFirstBare = `n=${saslName(opts.username ?? '')},r=${clientNonce}`;
  let step: Step = 'initial';
  let expectedServerSignature: Uint8Array | undefined;

  const expect = (wanted: Step, action: string): void => {
    if (step !== wanted) throw new ScramError(`SCRAM: cannot ${action} in step '${step}'`);
  };

  return {
    initialResponse(mechanisms) {
      expect('initial', 'start');
      if (!mechanisms.includes(SCRAM_SHA_256)) {
        throw new ScramError(
          `server offers SASL mechanisms [${mechanisms.join(', ')}], none of which is supported (${SCRAM_SHA_256})`,
        );
      }
      step = 'awaiting-server-first';
      return { mechanism: SCRAM_SHA_256, data: encodeUtf8(GS2_HEADER + clientFirstBare) };
    },

    continue(serverFirstBytes) {
      expect('awaiting-server-first', 'answer the server-first-message');
      const serverFirst = decodeUtf8(serverFirstBytes, 0, serverFirstBytes.length);
      const { nonce, salt, iterations } = parseServerFirst(serverFirst, clientNonce, maxIterations);
      const clientFinalWithoutProof = `c=${CHANNEL_BINDING},r=${nonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
      const salted = saltedPassword(opts.saltedPasswords ?? SALTED_PASSWORDS, opts.password, salt, iterations);
      const clientKey = hmac(salted, 'Client Key');
      const storedKey = createHash('sha256').update(clientKey).digest();
      const clientSignature = hmac(storedKey, authMessage);
      const proof = new Uint8Array(clientKey.length);
      for (let i = 0; i < proof.length; i++) proof[i] = (clientKey[i] as number) ^ (clientSignature[i] as number);
      expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage);
      step = 'awaiting-server-final';
      return encodeUtf8(`${clientFinalWithoutProof},p=${toBase64(proof)}`);
    },

    finish(serverFinalBytes) {
      expect('awaiting-server-final', 'check the server-final-message');
      const attrs = parseAttributes(decodeUtf8(serverFinalBytes, 0, serverFinalBytes.length));
      const error = attrs.get('e');
      if (error !== undefined) throw new ScramError(`SCRAM authentication failed on the server: ${error}`);
      const verifier = attrs.get('v');
      if (verifier === undefined) throw new ScramError('SCRAM server-final-message has no verifier (v=)');
      const signature = fromBase64(verifier, 'server signature');
      const expected = expectedServerSignature as Uint8Array;
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
        throw new ScramError('SCRAM server signature does not match: the server does not know the password');
      }
      step = 'done';
    },
  };
}

function parseServerFirst(
  message: string,
  clientNonce: string,
  maxIterations: number,
): { nonce: string; salt: Uint8Array; iterations: number } {
  const attrs = parseAttributes(message);
  if (attrs.has('m')) throw new ScramError('SCRAM server requires an unsupported mandatory extension (m=)');
  const nonce = attrs.get('r');
  if (nonce === undefined || !nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) {
    throw new ScramError('SCRAM server nonce is missing or does not extend the client nonce');
  }
  const salt = fromBase64(attrs.get('s') ?? '', 'salt');
  if (salt.length === 0) throw new ScramError('SCRAM server-first-message has no salt (s=)');
  const iterationsText = attrs.get('i') ?? '';
  const iterations = Number(iterationsText);
  if (!/^[1-9][0-9]*$/.test(iterationsText) || iterations > maxIterations) {
    throw new ScramError(`SCRAM iteration count "${iterationsText}" is not between 1 and ${maxIterations}`);
  }
  return { nonce, salt, iterations };
}

/** `a=value,b=value`: single-letter attribute names (RFC 5802 §5.1); values never contain ','. */
function parseAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(',')) {
    if (part.length < 2 || part[1] !== '=') throw new ScramError(`malformed SCRAM message attribute "${part}"`);
    attrs.set(part[0] as string, part.slice(2));
  }
  return attrs;
}

/** RFC 5802 §5.1 saslname: ',' and '=' escaped. */
function saslName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

function hmac(key: Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new ScramError(`SCRAM ${what} is not valid base64`);
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
