import { concatBytes, readU64, toHex, viewOf, writeU64 } from './bytes';
import { HASH_SIZE, RecordType, SEAL, SEAL_SIGNATURE_CONTEXT } from './format';
import type { SealInfo, SignFn } from './recording.types';
import { fingerprint, verifyEd25519 } from './signing-key';

export interface SealFields {
  interrupted: boolean;
  reason: string;
  chunkCount: number;
  frameCount: number;
  bytesClient: number;
  bytesServer: number;
  endedAtUs: number;
  lastTUs: number;
  headerHash: Uint8Array;
  finalHash: Uint8Array;
  publicKey: Uint8Array;
}

/** Longest reason kept (bytes of UTF-8); longer reasons are cut at a character boundary. */
const MAX_REASON = 4096;

/** Builds a seal record; `sign` receives SEAL_SIGNATURE_CONTEXT ‖ record bytes before the signature. */
export function encodeSealRecord(fields: SealFields, sign: SignFn): Uint8Array {
  const reason = truncateUtf8(fields.reason, MAX_REASON);
  if (fields.headerHash.length !== HASH_SIZE || fields.finalHash.length !== HASH_SIZE) throw new TypeError('bad hash');
  if (fields.publicKey.length !== 32) throw new TypeError('Ed25519 public key must be 32 bytes');
  const body = new Uint8Array(SEAL.fixedSize + reason.length);
  const view = viewOf(body);
  body[0] = RecordType.seal;
  body[SEAL.flags] = fields.interrupted ? SEAL.flagInterrupted : 0;
  view.setUint16(SEAL.reasonLength, reason.length, true);
  view.setUint32(SEAL.chunkCount, fields.chunkCount, true);
  writeU64(view, SEAL.frameCount, fields.frameCount);
  writeU64(view, SEAL.bytesClient, fields.bytesClient);
  writeU64(view, SEAL.bytesServer, fields.bytesServer);
  writeU64(view, SEAL.endedAtUs, Math.max(0, Math.trunc(fields.endedAtUs)));
  writeU64(view, SEAL.lastTUs, fields.lastTUs);
  body.set(fields.headerHash, SEAL.headerHash);
  body.set(fields.finalHash, SEAL.finalHash);
  body.set(fields.publicKey, SEAL.publicKey);
  body.set(reason, SEAL.fixedSize);
  const signature = sign(sealSignedMessage(body));
  if (signature.length !== SEAL.signatureSize) throw new TypeError('Ed25519 signatures are 64 bytes');
  return concatBytes(body, signature);
}

export function sealSignedMessage(body: Uint8Array): Uint8Array {
  return concatBytes(SEAL_SIGNATURE_CONTEXT, body);
}

/** Length of a seal record from its fixed part. */
export function sealRecordLength(fixed: Uint8Array): number {
  return SEAL.fixedSize + viewOf(fixed).getUint16(SEAL.reasonLength, true) + SEAL.signatureSize;
}

/** Decodes a complete seal record (signature not checked); returns an error message when malformed. */
export function parseSealRecord(bytes: Uint8Array, offset: number): SealInfo | string {
  if (bytes.length < SEAL.fixedSize || bytes[0] !== RecordType.seal) return 'not a seal record';
  const length = sealRecordLength(bytes);
  if (bytes.length !== length) return `seal record is ${bytes.length} bytes, expected ${length}`;
  const view = viewOf(bytes);
  const flags = bytes[SEAL.flags] as number;
  if (flags & ~SEAL.flagInterrupted) return 'unknown seal flags';
  const u64 = (at: number) => readU64(view, at);
  const reasonEnd = SEAL.fixedSize + view.getUint16(SEAL.reasonLength, true);
  let reason: string;
  try {
    reason = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(SEAL.fixedSize, reasonEnd));
  } catch {
    return 'seal reason is not valid UTF-8';
  }
  const publicKey = bytes.slice(SEAL.publicKey, SEAL.publicKey + 32);
  const endedAtUs = u64(SEAL.endedAtUs);
  const info: SealInfo = {
    offset,
    length,
    interrupted: (flags & SEAL.flagInterrupted) !== 0,
    reason,
    chunkCount: view.getUint32(SEAL.chunkCount, true),
    frameCount: u64(SEAL.frameCount),
    bytesClient: u64(SEAL.bytesClient),
    bytesServer: u64(SEAL.bytesServer),
    endedAtUs,
    endedAt: isoFromUs(endedAtUs),
    lastTUs: u64(SEAL.lastTUs),
    headerHash: toHex(bytes.subarray(SEAL.headerHash, SEAL.headerHash + HASH_SIZE)),
    finalHash: toHex(bytes.subarray(SEAL.finalHash, SEAL.finalHash + HASH_SIZE)),
    publicKey,
    keyFingerprint: fingerprint(publicKey),
    signature: bytes.slice(reasonEnd),
  };
  if ([info.frameCount, info.bytesClient, info.bytesServer, endedAtUs, info.lastTUs].some((v) => v < 0)) {
    return 'seal value out of range';
  }
  return info;
}

/** Checks the seal signature against the key embedded in the seal. */
export function sealSignatureValid(bytes: Uint8Array, seal: SealInfo): boolean {
  const body = bytes.subarray(0, bytes.length - SEAL.signatureSize);
  return verifyEd25519(seal.signature, sealSignedMessage(body), seal.publicKey);
}

export function isoFromUs(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

function truncateUtf8(text: string, max: number): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.slice(0, end);
}
