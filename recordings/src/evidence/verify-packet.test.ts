import { describe, expect, it } from 'vitest';
import { computeAuditHash } from '../audit/audit-chain';
import type { ChainedAuditEvent } from '../audit/audit-event.types';
import { byteSourceFromBytes } from '../byte-source';
import { concatBytes } from '../bytes';
import { sha256Hex } from '../hash';
import { fingerprint, publicKeyToPem, signEd25519 } from '../signing-key';
import { buildRecording, TEST_PRIVATE_KEY, TEST_SIGNER } from '../testing/recording-builder';
import { verifyRecording } from '../verify-recording';
import { type EvidenceManifest, PACKET_FORMAT, type PacketFile } from './packet.types';
import { verifyEvidencePacket } from './verify-packet';
import { ZipWriter } from './zip-writer';

const enc = (s: string) => new TextEncoder().encode(s);

/** A chain of audit events from seq 5 (prevHash = hash of seq 4), with seq 6 belonging to another session. */
function chain(): ChainedAuditEvent[] {
  let prev = 'ab'.repeat(32);
  const out: ChainedAuditEvent[] = [];
  for (let seq = 5; seq <= 8; seq++) {
    const base = {
      seq,
      id: `e${seq}`,
      time: `2025-01-02T03:04:0${seq}.000Z`,
      type: 'statement',
      actor: 'agent',
      sessionId: seq === 6 ? 'other' : 'ses_0001',
      data: { n: seq },
      prevHash: prev,
    };
    const hash = computeAuditHash(base, sha256Hex);
    out.push({ ...base, hash });
    prev = hash;
  }
  return out;
}

/** A packet built the way the gateway builds it, in memory, with the browser-side defaults (noble, CompressionStream). */
async function packet(
  mutate: (files: Map<string, Uint8Array>, m: EvidenceManifest) => void = () => {},
): Promise<Uint8Array> {
  const rec = buildRecording();
  const seal = (await verifyRecording(byteSourceFromBytes(rec.bytes))).seal;
  if (!seal) throw new Error('unsealed');
  const events = chain().filter((e) => e.sessionId === 'ses_0001');
  const files = new Map<string, Uint8Array>([
    ['sessions/ses_0001/recording.vrec', rec.bytes],
    [
      'audit/events.jsonl',
      enc(events.map((e) => `${JSON.stringify({ class_uid: 6005, unmapped: { vigil: e } })}\n`).join('')),
    ],
    ['public-key.pem', enc(publicKeyToPem(TEST_SIGNER.publicKey))],
  ]);
  const manifest: EvidenceManifest = {
    format: PACKET_FORMAT,
    packetId: 'pkt_test',
    createdAt: '2025-01-02T04:00:00.000Z',
    creator: { principal: 'bob', via: 'cli' },
    tool: { name: 'vigil', version: 'test' },
    signing: {
      algorithm: 'Ed25519',
      fingerprint: fingerprint(TEST_SIGNER.publicKey),
      publicKeyFile: 'public-key.pem',
      signs: 'manifest.json',
    },
    sessions: [
      {
        ...{
          id: 'ses_0001',
          protocol: 'postgres',
          connection: 'orders-prod',
          principal: 'agent',
          startedAt: '',
          endedAt: '',
          status: 'ended',
        },
        ...{
          recording: 'sessions/ses_0001/recording.vrec',
          finalHash: seal.finalHash,
          commands: 0,
          denials: 0,
          approvals: 0,
          masked: 0,
        },
        seal: {
          ...{
            sealed: true,
            interrupted: false,
            reason: seal.reason,
            endedAt: seal.endedAt,
            headerHash: seal.headerHash,
            finalHash: seal.finalHash,
          },
          ...{
            chunks: seal.chunkCount,
            frames: seal.frameCount,
            bytesClient: 0,
            bytesServer: 0,
            keyFingerprint: seal.keyFingerprint,
            signature: '',
          },
        },
      },
    ],
    audit: {
      file: 'audit/events.jsonl',
      ...{ fromSeq: 5, toSeq: 8, prevHash: 'ab'.repeat(32), headHash: events.at(-1)?.hash ?? '', events: 3 },
      omitted: [{ fromSeq: 6, toSeq: 6 }],
      lineFormat: 'ocsf+vigil',
    },
    files: [],
    custody: [],
  };
  mutate(files, manifest);
  manifest.files = [...files].map(
    ([path, bytes]): PacketFile => ({ path, kind: 'recording', size: bytes.length, sha256: sha256Hex(bytes) }),
  );
  const manifestBytes = enc(JSON.stringify(manifest, null, 2));
  const parts: Uint8Array[] = [];
  const zip = new ZipWriter((b) => void parts.push(b.slice()));
  for (const [path, bytes] of files)
    await zip.add({ path, method: path.endsWith('.jsonl') ? 'deflate' : 'store', content: bytes });
  await zip.add({ path: 'manifest.json', method: 'deflate', content: manifestBytes });
  await zip.add({ path: 'manifest.sig', method: 'store', content: signEd25519(manifestBytes, TEST_PRIVATE_KEY) });
  await zip.finish();
  return concatBytes(...parts);
}

const failed = (r: Awaited<ReturnType<typeof verifyEvidencePacket>>) =>
  r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);

describe('verifyEvidencePacket with the browser defaults', () => {
  it('passes an intact packet whose audit range starts mid-chain and omits another session’s event', async () => {
    const r = await verifyEvidencePacket(await packet(), { trustedKey: TEST_SIGNER.publicKey });
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checks.find((c) => c.name === 'audit chain')?.detail).toMatch(
      /^seq 5–8 intact: 3 events checked, 1 of other sessions omitted/,
    );
  });

  it('fails a range whose omitted run is not declared, or whose first event does not link to prevHash', async () => {
    const undeclared = await verifyEvidencePacket(
      await packet((_f, m) => {
        m.audit.omitted = [];
      }),
    );
    expect(failed(undeclared)).toEqual([
      'audit chain: line 2 (seq 7): events 6–6 are missing and not declared omitted',
    ]);
    const unlinked = await verifyEvidencePacket(
      await packet((_f, m) => {
        m.audit.prevHash = 'cd'.repeat(32);
      }),
    );
    expect(failed(unlinked)).toEqual([
      expect.stringMatching(
        /^audit chain: line 1 \(seq 5\): prevHash a+b.* does not link to the manifest's range prevHash/,
      ),
    ]);
  });

  it('fails a recording whose final hash is not the manifest’s, and says both', async () => {
    const r = await verifyEvidencePacket(
      await packet((_f, m) => {
        (m.sessions[0] as { finalHash: string }).finalHash = '00'.repeat(32);
      }),
    );
    expect(failed(r)).toEqual([
      expect.stringMatching(
        /^recording ses_0001: does not match the manifest: final hash: manifest 0{64}, recording [0-9a-f]{64}$/,
      ),
    ]);
  });

  it('reports a missing manifest and garbage input without throwing', async () => {
    const r = await verifyEvidencePacket(await packet((f) => void f.delete('public-key.pem')));
    expect(failed(r)).toContainEqual('public key: public-key.pem is missing');
    const garbage = await verifyEvidencePacket(enc('not a zip at all'));
    expect(failed(garbage)).toEqual([expect.stringMatching(/^zip: cannot read the packet: not a zip archive/)]);
  });
});
