import { readFileSync, writeFileSync } from 'node:fs';
import {
  byteSourceFromBytes,
  type EvidenceManifest,
  fingerprint,
  openRecording,
  openZip,
  PACKET_FILES,
  publicKeyToPem,
  sha256Hex,
  signEd25519,
  ZipWriter,
} from '@vigil/recordings';
import { createZstdDecompressor } from '../../recording/zstd-compressor';
import { nodeCrc32, nodeDeflate, nodeHash, nodeInflate } from '../node-codecs';

/** Statements the packet tests send through the gateway, in order (the capture must show them in this order). */
export const SAMPLE_STATEMENTS = [
  'select 1 as one',
  'create table evidence_t (id int primary key, email text)',
  "insert into evidence_t values (1, 'ann@example.com'), (2, 'bob@example.com')",
  'select * from evidence_t order by id',
  'select * from no_such_table',
] as const;

/** Sent with parameters (extended protocol: Parse/Bind/Execute). */
export const SAMPLE_PREPARED = { text: 'select $1::int + 1 as answer', values: [41] } as const;

/** A packet's entries by path, in zip order. */
export type PacketEntries = Map<string, Uint8Array>;

export async function readPacket(path: string): Promise<PacketEntries> {
  const zip = await openZip(byteSourceFromBytes(readFileSync(path)), { inflate: nodeInflate });
  const out: PacketEntries = new Map();
  for (const e of zip.entries) out.set(e.path, await zip.bytes(e));
  return out;
}

/** Writes `entries` as a new zip (deflating text, storing the rest), as a tamperer with zip tools would. */
export async function writePacket(path: string, entries: PacketEntries): Promise<void> {
  const parts: Uint8Array[] = [];
  const zip = new ZipWriter((b) => void parts.push(b.slice()), {
    deflate: nodeDeflate(),
    crc32: nodeCrc32,
    hash: nodeHash,
  });
  for (const [name, bytes] of entries) {
    const store = name.endsWith('.vrec') || name.endsWith('.sig') || name.endsWith('.pem');
    await zip.add({ path: name, method: store ? 'store' : 'deflate', content: bytes });
  }
  await zip.finish();
  writeFileSync(path, Buffer.concat(parts));
}

/** A copy of `bytes` with bit 0 of byte `at` flipped. */
export function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = (copy[at] as number) ^ 1;
  return copy;
}

/**
 * Recomputes the manifest's sizes and hashes for `entries` and signs it with `key`: what an insider holding a
 * key would do to make tampering pass the signature check. With `asKey`, the packet's public key and the
 * manifest's fingerprint become that key's (an outsider substituting their own key).
 */
export function resign(
  entries: PacketEntries,
  key: { privateKey: Uint8Array; publicKey: Uint8Array },
  opts: { asKey?: boolean } = {},
): void {
  const manifest = JSON.parse(new TextDecoder().decode(entries.get(PACKET_FILES.manifest))) as EvidenceManifest;
  if (opts.asKey) {
    entries.set(PACKET_FILES.publicKey, new TextEncoder().encode(publicKeyToPem(key.publicKey)));
    manifest.signing.fingerprint = fingerprint(key.publicKey);
  }
  for (const f of manifest.files) {
    const bytes = entries.get(f.path);
    if (!bytes) continue;
    f.size = bytes.length;
    f.sha256 = sha256Hex(bytes);
  }
  const bytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  entries.set(PACKET_FILES.manifest, bytes);
  entries.set(PACKET_FILES.signature, signEd25519(bytes, key.privateKey));
}

/** The recording's bytes with its chunk records rearranged: `order` lists chunk indexes to keep, in order. */
export async function rechunk(vrec: Uint8Array, order: number[]): Promise<Uint8Array> {
  const rec = await openRecording(byteSourceFromBytes(vrec), { decompressor: createZstdDecompressor() });
  const first = rec.chunks[0];
  const last = rec.chunks.at(-1);
  if (!first || !last) throw new Error('recording has no chunks');
  const chunk = (i: number) => {
    const c = rec.chunks[i];
    if (!c) throw new Error(`no chunk ${i}`);
    return vrec.subarray(c.offset, c.offset + c.length);
  };
  return Buffer.concat([vrec.subarray(0, first.offset), ...order.map(chunk), vrec.subarray(last.offset + last.length)]);
}
