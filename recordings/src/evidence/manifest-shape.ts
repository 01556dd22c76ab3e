import { PACKET_FORMAT } from './packet.types';

type Shape = 'string' | 'number' | 'object' | 'array';

const TOP: Record<string, Shape> = {
  format: 'string',
  packetId: 'string',
  createdAt: 'string',
  creator: 'object',
  tool: 'object',
  signing: 'object',
  sessions: 'array',
  audit: 'object',
  files: 'array',
  custody: 'array',
};
const FILE: Record<string, Shape> = { path: 'string', kind: 'string', size: 'number', sha256: 'string' };
const SESSION: Record<string, Shape> = { id: 'string', recording: 'string', finalHash: 'string', seal: 'object' };
const AUDIT: Record<string, Shape> = {
  file: 'string',
  fromSeq: 'number',
  toSeq: 'number',
  prevHash: 'string',
  headHash: 'string',
  events: 'number',
  omitted: 'array',
};
const SIGNING: Record<string, Shape> = { fingerprint: 'string', publicKeyFile: 'string' };

/** Why `value` is not a version-1 manifest the verifier can rely on, or undefined. */
export function checkManifestShape(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (value.format !== PACKET_FORMAT) return `format is ${JSON.stringify(value.format)}, expected "${PACKET_FORMAT}"`;
  return (
    fields(value, TOP, '') ??
    fields(value.signing, SIGNING, 'signing.') ??
    fields(value.audit, AUDIT, 'audit.') ??
    (value.files as unknown[]).map((f, i) => fields(f, FILE, `files[${i}].`)).find(Boolean) ??
    (value.sessions as unknown[]).map((s, i) => fields(s, SESSION, `sessions[${i}].`)).find(Boolean) ??
    (isObject(value.creator) && typeof value.creator.principal === 'string' ? undefined : 'creator.principal missing')
  );
}

function fields(value: unknown, shape: Record<string, Shape>, prefix: string): string | undefined {
  if (!isObject(value)) return `${prefix || 'manifest'} is not an object`;
  for (const [key, type] of Object.entries(shape)) {
    const v = value[key];
    const ok = type === 'array' ? Array.isArray(v) : type === 'object' ? isObject(v) : typeof v === type;
    if (!ok) return `${prefix}${key} missing or not a${type === 'array' || type === 'object' ? 'n' : ''} ${type}`;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
