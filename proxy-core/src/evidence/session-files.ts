import {
  captureFromRecording,
  castFromRecording,
  openRecording,
  type PacketFileKind,
  type PacketSeal,
  type PacketSession,
  SESSION_FILES,
  sessionFilePath,
  textDescriber,
  transcriptFromRecording,
  type VerifyResult,
  type ZipMethod,
} from '@vigil/recordings';
import { openFileByteSource } from '../recording/file-byte-source';
import { nodeSha256 } from '../recording/node-sha256';
import { createZstdDecompressor } from '../recording/zstd-compressor';
import type { Session, Store } from '../store/store.types';
import type { BuildEvidencePacketOptions } from './build-evidence-packet';
import { fileChunks, utf8Chunks } from './packet-output';
import { pgDescriber } from './pg-describe';

/** A session checked for export: its row, the recording's size and verification, the seal's summary. */
export interface Prepared {
  session: Session;
  size: number;
  verified: VerifyResult;
  seal: PacketSeal;
}

const ZIP64_ABOVE = 2 ** 31;

export type AddFile = (
  path: string,
  kind: PacketFileKind,
  method: ZipMethod,
  content: Uint8Array | AsyncIterable<Uint8Array>,
  more?: { sessionId?: string; zip64?: boolean },
) => Promise<void>;

/**
 * Writes one session's files (recording, capture or cast, transcript, session.json), streaming each from the
 * recording chunk by chunk, and returns its manifest entry.
 */
export async function addSessionFiles(
  opts: BuildEvidencePacketOptions,
  p: Prepared,
  add: AddFile,
): Promise<PacketSession> {
  const s = p.session;
  const path = (file: string) => sessionFilePath(s.id, file);
  const sessionId = s.id;
  await add(path(SESSION_FILES.recording), 'recording', 'store', fileChunks(s.recording), {
    sessionId,
    zip64: p.size > ZIP64_ABOVE,
  });

  const source = await openFileByteSource(s.recording);
  try {
    const recording = await openRecording(source, { decompressor: createZstdDecompressor(), sha256: nodeSha256 });
    // Derived files can be several times the compressed recording: estimate from the raw bytes and frames.
    const derivedLarge = (p.seal.bytesClient + p.seal.bytesServer) * 2 + p.seal.frames * 400 > ZIP64_ABOVE;
    if (s.protocol === 'postgres') {
      const capture = captureFromRecording(recording, {
        serverPort: 5432,
        comment: captureComment(p),
        application: `vigil ${opts.toolVersion}`,
      });
      await add(path(SESSION_FILES.capture), 'capture', 'deflate', capture, { sessionId, zip64: derivedLarge });
    }
    if (s.protocol === 'ssh') {
      const cast = castFromRecording(recording, { title: `Vigil session ${s.id}: ${s.principal} on ${s.connection}` });
      await add(path(SESSION_FILES.terminal), 'terminal', 'deflate', utf8Chunks(cast), {
        sessionId,
        zip64: derivedLarge,
      });
    }
    const transcript = transcriptFromRecording(recording, {
      describe: s.protocol === 'postgres' ? pgDescriber : textDescriber,
      preamble: [`Vigil session transcript (rebuilt from recording.vrec, final chain hash ${p.seal.finalHash})`],
    });
    await add(path(SESSION_FILES.transcript), 'transcript', 'deflate', utf8Chunks(transcript), {
      sessionId,
      zip64: derivedLarge,
    });
  } finally {
    await source.close();
  }
  await add(path(SESSION_FILES.session), 'session', 'deflate', utf8Chunks(sessionJson(opts.store, p)), { sessionId });
  return {
    id: s.id,
    protocol: s.protocol,
    connection: s.connection,
    principal: s.principal,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    status: s.status,
    recording: path(SESSION_FILES.recording),
    finalHash: p.verified.finalHash,
    seal: p.seal,
    commands: s.commands,
    denials: s.denials,
    approvals: s.approvals,
    masked: s.masked,
  };
}

/** The store's view of the session: its row, the seal, the checks made at export, approvals and every command. */
async function* sessionJson(store: Store, p: Prepared): AsyncIterable<string> {
  const head = {
    session: p.session,
    seal: p.seal,
    verifiedAtExport: p.verified.checks,
    approvals: store.listApprovals({ sessionId: p.session.id, limit: 1000 }),
  };
  const text = JSON.stringify(head, null, 2);
  yield `${text.slice(0, text.lastIndexOf('}')).trimEnd()},\n  "commands": [`;
  let first = true;
  let batch = '';
  for (const c of store.commands(p.session.id)) {
    batch += `${first ? '\n' : ',\n'}    ${JSON.stringify(c)}`;
    first = false;
    if (batch.length > 256 * 1024) {
      yield batch;
      batch = '';
    }
  }
  yield `${batch}${first ? '' : '\n  '}]\n}\n`;
}

function captureComment(p: Prepared): string {
  const s = p.session;
  return [
    `Vigil evidence: PostgreSQL session ${s.id} (principal ${s.principal}, connection ${s.connection}), rebuilt from its recording (final chain hash ${p.seal.finalHash}).`,
    'This is a synthetic capture. The gateway records the PostgreSQL messages it relayed, in plaintext, with their times;',
    'addresses (192.0.2.10 client, 192.0.2.1 server), ports (40000 → 5432) and TCP framing are reconstructed around them.',
    'TLS between the agent and the gateway (SSLRequest and the handshake) is not in the recording and not shown: the messages appear as they were inside TLS.',
    "The client's password message (its OIDC access token) is not recorded. Server messages are shown after masking, as the agent received them.",
    "Packet comments carry the recording's frame numbers and Vigil's annotations: policy decisions, approvals, masking, notes.",
  ].join(' ');
}
