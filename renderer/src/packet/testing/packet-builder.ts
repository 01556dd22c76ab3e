import {
  byteSourceFromBytes,
  type ChainedAuditEvent,
  computeAuditHash,
  type EvidenceManifest,
  ed25519Signer,
  fingerprint,
  GENESIS_HASH,
  PACKET_FORMAT,
  type PacketFile,
  publicKeyToPem,
  sha256Hex,
  signEd25519,
  verifyRecording,
  ZipWriter,
} from '@vigil/recordings';
import { pgRecording } from './packet-recordings';

/** The key that signs the test packet (fixed: never use outside tests). */
export const PACKET_PRIVATE_KEY = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);
export const PACKET_PUBLIC_KEY = ed25519Signer(PACKET_PRIVATE_KEY).publicKey;
export const SESSION_ID = 'ses_pg';
export const RECORDING_PATH = `sessions/${SESSION_ID}/recording.vrec`;

const utf8 = new TextEncoder();

/**
 * A small evidence packet built the way the gateway builds one (PACKET.md): one PostgreSQL session, an audit
 * range of one event, signed manifest. What the gateway adds besides (transcript, capture, report) does not
 * change what the browser checks.
 */
export async function buildTestPacket(): Promise<{ bytes: Uint8Array<ArrayBuffer>; recordingOffset: number }> {
  const { bytes: recording } = await pgRecording();
  const seal = (await verifyRecording(byteSourceFromBytes(recording))).seal;
  if (!seal) throw new Error('the fixture recording is not sealed');
  const base = {
    seq: 1,
    id: 'evt_1',
    time: '2025-03-04T06:00:00.000Z',
    type: 'evidence.export',
    actor: 'auditor-1',
    sessionId: SESSION_ID,
    data: { packetId: 'pkt_test' },
    prevHash: GENESIS_HASH,
  };
  const event: ChainedAuditEvent = { ...base, hash: computeAuditHash(base, sha256Hex) };
  const files = new Map<string, Uint8Array>([
    [RECORDING_PATH, recording],
    ['audit/events.jsonl', utf8.encode(`${JSON.stringify({ class_uid: 6003, unmapped: { vigil: event } })}\n`)],
    ['public-key.pem', utf8.encode(publicKeyToPem(PACKET_PUBLIC_KEY))],
  ]);
  const manifest: EvidenceManifest = {
    format: PACKET_FORMAT,
    packetId: 'pkt_test',
    createdAt: '2025-03-04T06:00:00.000Z',
    creator: { principal: 'auditor-1', name: 'Ada Auditor', via: 'api' },
    tool: { name: 'vigil', version: 'test' },
    signing: {
      algorithm: 'Ed25519',
      fingerprint: fingerprint(PACKET_PUBLIC_KEY),
      publicKeyFile: 'public-key.pem',
      signs: 'manifest.json',
    },
    sessions: [
      {
        id: SESSION_ID,
        protocol: 'postgres',
        connection: 'orders-db',
        principal: 'agent-1',
        startedAt: '2025-03-04T05:06:07.000Z',
        endedAt: seal.endedAt,
        status: 'ended',
        recording: RECORDING_PATH,
        finalHash: seal.finalHash,
        seal: {
          sealed: true,
          interrupted: seal.interrupted,
          reason: seal.reason,
          endedAt: seal.endedAt,
          headerHash: seal.headerHash,
          finalHash: seal.finalHash,
          chunks: seal.chunkCount,
          frames: seal.frameCount,
          bytesClient: seal.bytesClient,
          bytesServer: seal.bytesServer,
          keyFingerprint: seal.keyFingerprint,
          signature: '',
        },
        commands: 1,
        denials: 0,
        approvals: 0,
        masked: 2,
      },
    ],
    audit: {
      file: 'audit/events.jsonl',
      fromSeq: 1,
      toSeq: 1,
      prevHash: GENESIS_HASH,
      headHash: event.hash,
      events: 1,
      omitted: [],
      lineFormat: 'ocsf+vigil',
    },
    files: [...files].map(
      ([path, bytes]): PacketFile => ({ path, kind: 'recording', size: bytes.length, sha256: sha256Hex(bytes) }),
    ),
    custody: [],
  };
  const manifestBytes = utf8.encode(JSON.stringify(manifest, null, 2));
  const parts: Uint8Array[] = [];
  let written = 0;
  const zip = new ZipWriter((b) => {
    parts.push(b.slice());
    written += b.length;
  });
  for (const [path, bytes] of files) {
    await zip.add({ path, method: path.endsWith('.jsonl') ? 'deflate' : 'store', content: bytes });
  }
  await zip.add({ path: 'manifest.json', method: 'deflate', content: manifestBytes });
  await zip.add({ path: 'manifest.sig', method: 'store', content: signEd25519(manifestBytes, PACKET_PRIVATE_KEY) });
  await zip.finish();
  const out = new Uint8Array(written);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  // The recording is stored: its bytes sit in the zip as they are.
  return { bytes: out, recordingOffset: indexOf(out, recording) };
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
