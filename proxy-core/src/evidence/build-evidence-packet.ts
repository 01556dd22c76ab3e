import { stat } from 'node:fs/promises';
import {
  type EvidenceManifest,
  PACKET_FILES,
  PACKET_FORMAT,
  type PacketFile,
  type PacketFileKind,
  type PacketSeal,
  type PacketSession,
  type VerifyResult,
  verifyRecording,
  type ZipMethod,
  ZipWriter,
} from '@vigil/recordings';
import type { Logger } from '../logger';
import { openFileByteSource } from '../recording/file-byte-source';
import { nodeSignEd25519 } from '../recording/node-ed25519';
import { nodeSha256 } from '../recording/node-sha256';
import type { SigningKey } from '../recording/signing-key';
import { createZstdDecompressor } from '../recording/zstd-compressor';
import { newSortableId } from '../store/ids';
import type { Store } from '../store/store.types';
import { nodeCrc32, nodeDeflate, nodeHash } from './node-codecs';
import { PacketAuditRangeBuilder } from './packet-audit';
import { openPacketOutput, type PacketOut } from './packet-output';
import { type ReportSession, reportHtml } from './report-html';
import { addSessionFiles, type Prepared } from './session-files';

export interface EvidenceCreator {
  /** The signed-in human (`sub`) or the CLI user. */
  principal: string;
  name?: string;
  email?: string;
  via: 'cli' | 'api';
}

export interface BuildEvidencePacketOptions {
  store: Store;
  sessionIds: readonly string[];
  signingKey: SigningKey;
  creator: EvidenceCreator;
  toolVersion: string;
  /** A path (written as PATH.partial, renamed when complete), a Node Writable (ended when done) or a WritableStream. */
  out: PacketOut;
  logger?: Logger;
  /** After each file: which, and the packet bytes written so far (progress for large sessions). */
  onProgress?: (p: { file: string; bytesWritten: number }) => void;
  /**
   * zlib level for text and captures; default 1: derived files of a large session run to hundreds of MiB, and
   * level 1 builds them about 2.5× faster than 6 for some 10 % more bytes (evidence-packet.bench.ts).
   */
  deflateLevel?: number;
  /** Called once the sessions are checked, right before the first byte is written (e.g. to send HTTP headers). */
  onStart?: (info: { packetId: string; sessions: string[] }) => void;
}

export interface EvidencePacketResult {
  packetId: string;
  manifest: EvidenceManifest;
  /** Bytes of the zip. */
  size: number;
}

export type EvidenceErrorCode = 'invalid' | 'not_found' | 'live' | 'damaged';

/** A request the packet cannot be built for; `message` says which session and why. */
export class EvidenceError extends Error {
  override name = 'EvidenceError';
  constructor(
    readonly code: EvidenceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The most sessions one packet takes; a packet is meant to be read by a person. */
export const MAX_PACKET_SESSIONS = 200;
const REPORT_COMMANDS = 2000;

/**
 * Builds an evidence packet (DESIGN.md "Evidence packet", PACKET.md) and streams it to `out`: recordings are
 * copied and their derived files (capture, cast, transcript) generated chunk by chunk, so memory stays flat
 * however large a session is; every file's SHA-256 is computed as it is written. The export is itself
 * audited (`evidence.export`, the last event of the packet's audit range, named in the chain of custody).
 */
export async function buildEvidencePacket(opts: BuildEvidencePacketOptions): Promise<EvidencePacketResult> {
  const prepared = await prepareSessions(opts);
  const packetId = `pkt_${newSortableId()}`;
  const ids = prepared.map((p) => p.session.id);
  const exportEvent = opts.store.appendAudit({
    type: 'evidence.export',
    actor: opts.creator.principal,
    data: {
      packetId,
      sessions: ids,
      via: opts.creator.via,
      keyFingerprint: opts.signingKey.fingerprint,
      tool: `vigil ${opts.toolVersion}`,
    },
  });
  opts.onStart?.({ packetId, sessions: ids });
  const output = openPacketOutput(opts.out);
  try {
    const result = await writePacket(opts, prepared, packetId, exportEvent, output.sink);
    await output.complete();
    opts.logger?.info('evidence packet written', { packetId, sessions: ids, bytes: result.size });
    return result;
  } catch (err) {
    await output.abort(err as Error);
    opts.store.appendAudit({
      type: 'evidence.export_failed',
      actor: opts.creator.principal,
      data: { packetId, error: (err as Error).message },
    });
    throw err;
  }
}

async function prepareSessions(opts: BuildEvidencePacketOptions): Promise<Prepared[]> {
  const ids = [...new Set(opts.sessionIds)];
  if (ids.length === 0) throw new EvidenceError('invalid', 'name at least one session');
  if (ids.length > MAX_PACKET_SESSIONS)
    throw new EvidenceError('invalid', `at most ${MAX_PACKET_SESSIONS} sessions per packet`);
  const out: Prepared[] = [];
  for (const id of ids) {
    const session = opts.store.getSession(id);
    if (!session) throw new EvidenceError('not_found', `no session ${id}`);
    if (session.status === 'live')
      throw new EvidenceError(
        'live',
        `session ${id} is still live: export it once it has ended and its recording is sealed`,
      );
    let size: number;
    try {
      size = (await stat(session.recording)).size;
    } catch {
      throw new EvidenceError('not_found', `session ${id}: recording ${session.recording} is missing`);
    }
    const source = await openFileByteSource(session.recording);
    let verified: VerifyResult;
    try {
      verified = await verifyRecording(source, {
        publicKey: opts.signingKey.publicKey,
        decompressor: createZstdDecompressor(),
        sha256: nodeSha256,
      });
    } finally {
      await source.close();
    }
    if (!verified.ok || !verified.seal) {
      const failed = verified.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      throw new EvidenceError(
        'damaged',
        `session ${id}: the recording does not verify, so it is not signed into a packet (${failed.join('; ')})`,
      );
    }
    out.push({ session, size, verified, seal: sealOf(verified) });
  }
  return out;
}

function sealOf(v: VerifyResult): PacketSeal {
  const s = v.seal as NonNullable<VerifyResult['seal']>;
  return {
    sealed: true,
    interrupted: s.interrupted,
    reason: s.reason,
    endedAt: s.endedAt,
    headerHash: s.headerHash,
    finalHash: s.finalHash,
    chunks: v.chunks,
    frames: v.frames,
    bytesClient: v.bytesClient,
    bytesServer: v.bytesServer,
    keyFingerprint: s.keyFingerprint,
    signature: Buffer.from(s.signature).toString('hex'),
  };
}

async function writePacket(
  opts: BuildEvidencePacketOptions,
  prepared: Prepared[],
  packetId: string,
  exportEvent: ReturnType<Store['appendAudit']>,
  sink: (b: Uint8Array) => void | Promise<void>,
): Promise<EvidencePacketResult> {
  const zip = new ZipWriter(sink, {
    deflate: nodeDeflate(opts.deflateLevel ?? 1),
    crc32: nodeCrc32,
    hash: nodeHash,
    modified: new Date(exportEvent.time),
  });
  const files: PacketFile[] = [];
  const add = async (
    path: string,
    kind: PacketFileKind,
    method: ZipMethod,
    content: Uint8Array | AsyncIterable<Uint8Array>,
    more: { sessionId?: string; zip64?: boolean } = {},
  ) => {
    const w = await zip.add({ path, method, content, zip64: more.zip64 ?? false });
    files.push({
      path,
      kind,
      size: w.size,
      sha256: w.sha256,
      ...(more.sessionId ? { sessionId: more.sessionId } : {}),
    });
    opts.onProgress?.({ file: path, bytesWritten: zip.bytesWritten });
  };

  const sessions: PacketSession[] = [];
  const reports: ReportSession[] = [];
  for (const p of prepared) {
    const entry = await addSessionFiles(opts, p, add);
    sessions.push(entry);
    const commands = opts.store.commands(p.session.id);
    reports.push({
      session: p.session,
      entry,
      commands: commands.slice(0, REPORT_COMMANDS),
      commandCount: commands.length,
      approvals: opts.store.listApprovals({ sessionId: p.session.id, limit: 1000 }),
    });
  }

  const protocols = new Map(prepared.map((p) => [p.session.id, p.session.protocol]));
  const audit = new PacketAuditRangeBuilder(
    opts.store,
    new Set(protocols.keys()),
    exportEvent,
    { productVersion: opts.toolVersion, protocolOf: (id) => protocols.get(id) ?? opts.store.getSession(id)?.protocol },
    PACKET_FILES.auditEvents,
  );
  await add(PACKET_FILES.auditEvents, 'audit', 'deflate', audit.lines());

  const base: Omit<EvidenceManifest, 'files'> = {
    format: PACKET_FORMAT,
    packetId,
    createdAt: exportEvent.time,
    creator: opts.creator,
    tool: { name: 'vigil', version: opts.toolVersion },
    signing: {
      algorithm: 'Ed25519',
      fingerprint: opts.signingKey.fingerprint,
      publicKeyFile: PACKET_FILES.publicKey,
      signs: 'the exact bytes of manifest.json (Ed25519, RFC 8032; no prefix, no pre-hash)',
    },
    sessions,
    audit: audit.range,
    custody: [
      {
        at: exportEvent.time,
        action: 'exported',
        by: opts.creator.principal,
        via: opts.creator.via,
        tool: `vigil ${opts.toolVersion}`,
        keyFingerprint: opts.signingKey.fingerprint,
        auditSeq: exportEvent.seq,
        auditHash: exportEvent.hash,
        note: `${sessions.length} session(s) exported from the gateway's store and recordings`,
      },
    ],
  };
  await add(PACKET_FILES.publicKey, 'public-key', 'store', new TextEncoder().encode(opts.signingKey.publicKeyPem));
  await add(
    PACKET_FILES.report,
    'report',
    'deflate',
    new TextEncoder().encode(reportHtml({ manifest: base, files: [...files], sessions: reports })),
  );

  const manifest: EvidenceManifest = { ...base, files };
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  await zip.add({ path: PACKET_FILES.manifest, method: 'deflate', content: manifestBytes });
  await zip.add({
    path: PACKET_FILES.signature,
    method: 'store',
    content: nodeSignEd25519(manifestBytes, opts.signingKey.privateKey),
  });
  const size = await zip.finish();
  return { packetId, manifest, size };
}
