import { sha256 } from '@noble/hashes/sha2.js';
import type { Sha256Hex } from '../audit/audit-chain';
import type { ChainedAuditEvent } from '../audit/audit-event.types';
import { byteSourceFromBytes } from '../byte-source';
import { toHex } from '../bytes';
import { type Sha256, sha256Hex } from '../hash';
import type { ByteSource, Decompressor } from '../recording.types';
import { fingerprint, publicKeyFromPem, verifyEd25519 } from '../signing-key';
import { type VerifyCheck, type VerifyResult, verifyRecording } from '../verify-recording';
import { AuditRangeCheck } from './audit-range';
import { checkManifestShape } from './manifest-shape';
import { type EvidenceManifest, PACKET_FILES, type PacketSession } from './packet.types';
import { type Crc32Update, crc32Update, type HashFactory, type InflateTransform } from './zip-format';
import { openZip, type ZipArchive, type ZipEntry } from './zip-reader';

export interface VerifyPacketOptions {
  /** The gateway key the packet must be signed with (`vigil verify --key`); else the packet's own key is used. */
  trustedKey?: Uint8Array;
  inflate?: InflateTransform;
  /** File hashing; default `@noble/hashes`. Node passes node:crypto. */
  hash?: HashFactory;
  crc32?: Crc32Update;
  /** For the recordings' chunks. */
  decompressor?: Decompressor;
  sha256?: Sha256;
  /** For the audit chain; default `@noble/hashes`. */
  sha256Hex?: Sha256Hex;
  /** Called as files are hashed (bytes of the current file done / its size). */
  onProgress?: (p: { path: string; done: number; total: number }) => void;
}

export interface PacketVerification {
  /** True only when every check passed. */
  ok: boolean;
  /** One per check, in the order made; `detail` says exactly what failed. */
  checks: VerifyCheck[];
  manifest: EvidenceManifest | undefined;
  /** Fingerprint of the key the signature was checked with. */
  keyFingerprint: string | undefined;
  /** Whether that key was pinned by the caller (else it is the packet's own key). */
  pinned: boolean;
  recordings: { sessionId: string; result: VerifyResult }[];
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies an evidence packet offline (Node or browser): the manifest signature, every file's size and
 * SHA-256, missing and extra files, each recording's chain and seal against the manifest, and the audit
 * chain range. Never throws for a bad packet: every problem is a failed check.
 */
export async function verifyEvidencePacket(
  input: Uint8Array | ByteSource,
  opts: VerifyPacketOptions = {},
): Promise<PacketVerification> {
  const checks: VerifyCheck[] = [];
  const result: PacketVerification = {
    ok: false,
    checks,
    manifest: undefined,
    keyFingerprint: undefined,
    pinned: false,
    recordings: [],
  };
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const source = input instanceof Uint8Array ? byteSourceFromBytes(input) : input;

  let zip: ZipArchive;
  try {
    zip = await openZip(source, opts.inflate ? { inflate: opts.inflate } : {});
  } catch (err) {
    add('zip', false, `cannot read the packet: ${(err as Error).message}`);
    return result;
  }
  add(
    'zip',
    zip.problems.length === 0,
    zip.problems.length === 0 ? `${zip.entries.length} entries` : zip.problems.join('; '),
  );

  const manifestBytes = await readSmall(zip, PACKET_FILES.manifest);
  if (typeof manifestBytes === 'string') {
    add('manifest', false, manifestBytes);
    return finish(result);
  }
  const manifest = parseManifest(manifestBytes);
  if (typeof manifest === 'string') {
    add('manifest', false, manifest);
    return finish(result);
  }
  result.manifest = manifest;
  add(
    'manifest',
    true,
    `packet ${manifest.packetId}, created ${manifest.createdAt} by ${manifest.creator.principal} (${manifest.tool.name} ${manifest.tool.version}), ${manifest.sessions.length} session(s), ${manifest.files.length} files`,
  );

  const key = await checkKey(zip, manifest, opts.trustedKey, add);
  result.keyFingerprint = key ? fingerprint(key) : undefined;
  result.pinned = opts.trustedKey !== undefined;
  if (key) await checkSignature(zip, manifestBytes, key, add);

  await checkFiles(zip, manifest, opts, add);
  for (const session of manifest.sessions) {
    const verified = await checkRecording(zip, session, key, opts, add);
    if (verified) result.recordings.push({ sessionId: session.id, result: verified });
  }
  await checkAudit(zip, manifest, opts.sha256Hex ?? sha256Hex, add);
  return finish(result);
}

function finish(result: PacketVerification): PacketVerification {
  result.ok = result.checks.length > 0 && result.checks.every((c) => c.ok);
  return result;
}

type Add = (name: string, ok: boolean, detail: string) => void;

async function readSmall(zip: ZipArchive, path: string): Promise<Uint8Array | string> {
  const entry = zip.get(path);
  if (!entry) return `${path} is missing`;
  if (entry.size > 64 * 1024 * 1024) return `${path} is ${entry.size} bytes: too large`;
  try {
    return await zip.bytes(entry);
  } catch (err) {
    return `${path} cannot be read: ${(err as Error).message}`;
  }
}

function parseManifest(bytes: Uint8Array): EvidenceManifest | string {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    return `${PACKET_FILES.manifest} is not valid UTF-8 JSON: ${(err as Error).message}`;
  }
  const problem = checkManifestShape(value);
  return problem ? `${PACKET_FILES.manifest}: ${problem}` : (value as EvidenceManifest);
}

async function checkKey(
  zip: ZipArchive,
  manifest: EvidenceManifest,
  trusted: Uint8Array | undefined,
  add: Add,
): Promise<Uint8Array | undefined> {
  const pem = await readSmall(zip, manifest.signing.publicKeyFile);
  let packetKey: Uint8Array | undefined;
  let problem: string | undefined;
  if (typeof pem === 'string') problem = pem;
  else {
    try {
      packetKey = publicKeyFromPem(decoder.decode(pem));
    } catch (err) {
      problem = `${manifest.signing.publicKeyFile} is not an Ed25519 public key: ${(err as Error).message}`;
    }
  }
  const packetFp = packetKey ? fingerprint(packetKey) : undefined;
  if (packetFp && packetFp !== manifest.signing.fingerprint) {
    problem = `${manifest.signing.publicKeyFile} is key ${packetFp}, but the manifest names ${manifest.signing.fingerprint}: the public key was replaced`;
  }
  if (trusted) {
    const trustedFp = fingerprint(trusted);
    if (packetFp && packetFp !== trustedFp) {
      add('public key', false, `packet key ${packetFp} is not the trusted key ${trustedFp}`);
    } else {
      add('public key', problem === undefined, problem ?? `Ed25519 ${trustedFp} (pinned: the trusted key)`);
    }
    return trusted;
  }
  if (problem) {
    add('public key', false, problem);
    return packetKey;
  }
  add(
    'public key',
    true,
    `Ed25519 ${packetFp} (the packet's own key: pin the gateway's key with --key to prove who signed)`,
  );
  return packetKey;
}

async function checkSignature(zip: ZipArchive, manifestBytes: Uint8Array, key: Uint8Array, add: Add): Promise<void> {
  const sig = await readSmall(zip, PACKET_FILES.signature);
  if (typeof sig === 'string') return add('signature', false, sig);
  if (sig.length !== 64)
    return add('signature', false, `${PACKET_FILES.signature} is ${sig.length} bytes, an Ed25519 signature is 64`);
  const ok = verifyEd25519(sig, manifestBytes, key);
  add(
    'signature',
    ok,
    ok
      ? `manifest.json signed by ${fingerprint(key)}`
      : `manifest.sig does not verify with ${fingerprint(key)}: manifest.json was changed, or signed with another key`,
  );
}

async function checkFiles(
  zip: ZipArchive,
  manifest: EvidenceManifest,
  opts: VerifyPacketOptions,
  add: Add,
): Promise<void> {
  const listed = new Set<string>();
  for (const file of manifest.files) {
    const name = `file ${file.path}`;
    if (listed.has(file.path)) {
      add(name, false, 'listed twice in the manifest');
      continue;
    }
    listed.add(file.path);
    const entry = zip.get(file.path);
    if (!entry) {
      add(name, false, 'missing from the packet (listed in the manifest)');
      continue;
    }
    const got = await hashEntry(zip, entry, opts);
    if (typeof got === 'string') add(name, false, got);
    else if (got.size !== file.size) add(name, false, `${got.size} bytes, manifest says ${file.size}`);
    else if (got.sha256 !== file.sha256) {
      add(name, false, `SHA-256 ${got.sha256} ≠ manifest ${file.sha256}: content changed`);
    } else if (got.crc32 !== entry.crc32) {
      add(name, false, `CRC-32 ${hex32(got.crc32)} ≠ zip directory ${hex32(entry.crc32)}: zip directory altered`);
    } else add(name, true, `${file.size} bytes, SHA-256 ${file.sha256}`);
  }
  const own: string[] = [PACKET_FILES.manifest, PACKET_FILES.signature];
  const extra = zip.entries.map((e) => e.path).filter((p) => !listed.has(p) && !own.includes(p));
  add(
    'extra files',
    extra.length === 0,
    extra.length === 0 ? 'none: every file is in the manifest' : `not in the manifest: ${extra.join(', ')}`,
  );
}

async function hashEntry(
  zip: ZipArchive,
  entry: ZipEntry,
  opts: VerifyPacketOptions,
): Promise<{ size: number; sha256: string; crc32: number } | string> {
  const h = (opts.hash ?? (() => sha256.create()))();
  const crc = opts.crc32 ?? crc32Update;
  let size = 0;
  let c = 0;
  try {
    for await (const chunk of zip.chunks(entry, 4 << 20)) {
      h.update(chunk);
      c = crc(chunk, c);
      size += chunk.length;
      opts.onProgress?.({ path: entry.path, done: size, total: entry.size });
    }
  } catch (err) {
    return `cannot be read: ${(err as Error).message}`;
  }
  return { size, sha256: toHex(h.digest()), crc32: c };
}

const hex32 = (n: number) => n.toString(16).padStart(8, '0');

async function checkRecording(
  zip: ZipArchive,
  session: PacketSession,
  key: Uint8Array | undefined,
  opts: VerifyPacketOptions,
  add: Add,
): Promise<VerifyResult | undefined> {
  const name = `recording ${session.id}`;
  const entry = zip.get(session.recording);
  if (!entry) {
    add(name, false, `${session.recording} is missing`);
    return undefined;
  }
  let source: ByteSource;
  try {
    source = (await zip.source(entry)) ?? byteSourceFromBytes(await zip.bytes(entry));
  } catch (err) {
    add(name, false, `${session.recording} cannot be read: ${(err as Error).message}`);
    return undefined;
  }
  const result = await verifyRecording(source, {
    ...(key ? { publicKey: key } : {}),
    ...(opts.decompressor ? { decompressor: opts.decompressor } : {}),
    ...(opts.sha256 ? { sha256: opts.sha256 } : {}),
  });
  for (const c of result.checks) if (!c.ok) add(`${name} ${c.name}`, false, c.detail);
  const mismatches = sealMismatches(session, result);
  const ok = result.ok && mismatches.length === 0;
  const state = result.interrupted ? 'sealed as interrupted' : 'sealed';
  add(
    name,
    ok,
    mismatches.length > 0
      ? `does not match the manifest: ${mismatches.join('; ')}`
      : result.ok
        ? `${result.frames} frames in ${result.chunks} chunks, ${state}, signature valid; final hash ${result.finalHash}`
        : `${session.recording} failed verification (see the lines above)`,
  );
  return result;
}

function sealMismatches(session: PacketSession, r: VerifyResult): string[] {
  const out: string[] = [];
  const cmp = (what: string, manifest: unknown, file: unknown) => {
    if (manifest !== file) out.push(`${what}: manifest ${String(manifest)}, recording ${String(file)}`);
  };
  cmp('session id', session.id, r.header?.sessionId);
  cmp('final hash', session.finalHash, r.finalHash);
  cmp('seal final hash', session.seal.finalHash, r.seal?.finalHash);
  cmp('chunks', session.seal.chunks, r.chunks);
  cmp('frames', session.seal.frames, r.frames);
  cmp('seal key', session.seal.keyFingerprint, r.seal?.keyFingerprint);
  return out;
}

async function checkAudit(zip: ZipArchive, manifest: EvidenceManifest, sha256Hex: Sha256Hex, add: Add): Promise<void> {
  const range = manifest.audit;
  const entry = zip.get(range.file);
  if (!entry) return add('audit chain', false, `${range.file} is missing`);
  const check = new AuditRangeCheck(range, sha256Hex);
  const custody = new Map(manifest.custody.filter((c) => c.auditSeq !== undefined).map((c) => [c.auditSeq, c]));
  let line = 0;
  try {
    for await (const text of lines(zip.chunks(entry, 1 << 20))) {
      line++;
      if (text === '' && check.problem === undefined) {
        check.fail(`line ${line} is empty`);
        continue;
      }
      const event = vigilEvent(text);
      if (typeof event === 'string') check.fail(`line ${line}: ${event}`);
      else {
        check.push(event, line);
        const step = custody.get(event.seq);
        if (step && step.auditHash !== event.hash)
          check.fail(`custody entry for seq ${event.seq} names hash ${step.auditHash}, the event has ${event.hash}`);
        custody.delete(event.seq);
      }
      if (check.problem) break;
    }
  } catch (err) {
    check.fail(`${range.file} cannot be read: ${(err as Error).message}`);
  }
  for (const seq of custody.keys()) check.fail(`custody entry names audit seq ${seq}, which is not in ${range.file}`);
  const verdict = check.finish();
  add('audit chain', verdict.ok, verdict.detail);
}

/** Each line is an OCSF event carrying the chained Vigil event in `unmapped.vigil`. */
function vigilEvent(text: string): ChainedAuditEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const event = (value as { unmapped?: { vigil?: unknown } } | null)?.unmapped?.vigil;
  if (typeof event !== 'object' || event === null) return 'no unmapped.vigil audit event';
  const e = event as Partial<ChainedAuditEvent>;
  if (typeof e.seq !== 'number' || typeof e.hash !== 'string' || typeof e.prevHash !== 'string') {
    return 'unmapped.vigil lacks seq, hash or prevHash';
  }
  return event as ChainedAuditEvent;
}

/** Lines of UTF-8 text from a stream of chunks; the last line needs no newline. */
async function* lines(chunks: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for await (const chunk of chunks) {
    rest += utf8.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', start)) {
      yield rest.slice(start, nl);
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  rest += utf8.decode();
  if (rest !== '') yield rest;
}
