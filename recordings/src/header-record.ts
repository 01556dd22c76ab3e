import { bytesEqual, toHex, viewOf } from './bytes';
import { FORMAT_VERSION, HASH_SIZE, HEADER, MAGIC } from './format';
import { sha256Bytes } from './hash';
import type { RecordingHeader } from './recording.types';

/** magic(4) major(1) minor(1) reserved(2) jsonLength u32(4) json(N) sha256(32). @see FORMAT.md §2 */
export function encodeHeaderRecord(header: RecordingHeader): Uint8Array {
  const problem = checkHeaderFields(header);
  if (problem) throw new TypeError(problem);
  const json = new TextEncoder().encode(JSON.stringify(header));
  if (json.length > HEADER.maxJsonLength) throw new RangeError(`header JSON is ${json.length} bytes (max 1 MiB)`);
  const out = new Uint8Array(HEADER.fixedSize + json.length + HASH_SIZE);
  const view = viewOf(out);
  out.set(MAGIC, 0);
  out[4] = FORMAT_VERSION.major;
  out[5] = FORMAT_VERSION.minor;
  view.setUint32(HEADER.jsonLengthOffset, json.length, true);
  out.set(json, HEADER.fixedSize);
  const end = HEADER.fixedSize + json.length;
  out.set(sha256Bytes(out.subarray(0, end)), end);
  return out;
}

/** Total header record length from its first 12 bytes, or an error message. */
export function headerRecordLength(fixed: Uint8Array): number | string {
  const n = Math.min(fixed.length, MAGIC.length);
  if (!bytesEqual(fixed.subarray(0, n), MAGIC.subarray(0, n))) return 'bad magic (not a .vrec file)';
  if (fixed.length < HEADER.fixedSize) return 'file shorter than the header';
  if (fixed[4] !== FORMAT_VERSION.major) return `unsupported format version ${fixed[4]}.${fixed[5]}`;
  if (fixed[6] !== 0 || fixed[7] !== 0) return 'reserved header bytes are not zero';
  const jsonLength = viewOf(fixed).getUint32(HEADER.jsonLengthOffset, true);
  if (jsonLength > HEADER.maxJsonLength) return `header JSON length ${jsonLength} exceeds 1 MiB`;
  return HEADER.fixedSize + jsonLength + HASH_SIZE;
}

export interface ParsedHeader {
  header: RecordingHeader;
  version: { major: number; minor: number };
  /** SHA-256 of the header record without its hash field: the chain's starting value. */
  hash: Uint8Array;
  hashHex: string;
  length: number;
}

/** Parses a complete header record; returns an error message when it is corrupt. */
export function parseHeaderRecord(bytes: Uint8Array): ParsedHeader | string {
  const length = headerRecordLength(bytes);
  if (typeof length === 'string') return length;
  if (bytes.length < length) return `file truncated inside the header (${bytes.length} of ${length} bytes)`;
  const end = length - HASH_SIZE;
  const hash = sha256Bytes(bytes.subarray(0, end));
  if (!bytesEqual(hash, bytes.subarray(end, length))) return 'header hash mismatch';
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER.fixedSize, end)));
  } catch {
    return 'header JSON is not valid UTF-8 JSON';
  }
  const problem = checkHeaderFields(header);
  if (problem) return problem;
  return {
    header: header as RecordingHeader,
    version: { major: bytes[4] as number, minor: bytes[5] as number },
    hash,
    hashHex: toHex(hash),
    length,
  };
}

function checkHeaderFields(h: unknown): string | undefined {
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return 'header JSON is not an object';
  const r = h as Record<string, unknown>;
  if (typeof r.sessionId !== 'string') return 'header has no sessionId';
  if (typeof r.protocol !== 'string') return 'header has no protocol';
  if (typeof r.startedAt !== 'string' || typeof r.startedAtUs !== 'number')
    return 'header has no startedAt/startedAtUs';
  return undefined;
}
