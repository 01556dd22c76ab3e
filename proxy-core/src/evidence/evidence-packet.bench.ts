// Packet build speed and memory for one large PostgreSQL session (`npm run bench -- evidence`).
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRecordingWriter,
  ed25519Signer,
  fingerprint,
  generateSigningKey,
  publicKeyToPem,
} from '@vigil/recordings';
import { silentLogger } from '../logger';
import { nodeSha256 } from '../recording/node-sha256';
import { createZstdCompressor } from '../recording/zstd-compressor';
import { openSqliteStore } from '../store/sqlite-store';
import { buildEvidencePacket } from './build-evidence-packet';
import { verifyPacketFile } from './verify-packet-file';

const key = generateSigningKey();
const signingKey = { ...key, fingerprint: fingerprint(key.publicKey), publicKeyPem: publicKeyToPem(key.publicKey) };

function dataRows(batch: number): Uint8Array {
  const parts: Buffer[] = [];
  for (let i = 0; i < 64; i++) {
    const id = Buffer.from(String(batch * 64 + i));
    const email = Buffer.from(`customer${batch * 64 + i}@example.com`);
    const note = Buffer.from(
      `order ${batch}-${i} shipped to warehouse ${i % 17}; total ${(batch * 7.31 + i).toFixed(2)} EUR`,
    );
    const body = Buffer.alloc(2 + 12 + id.length + email.length + note.length);
    let o = body.writeInt16BE(3, 0);
    for (const v of [id, email, note]) {
      o = body.writeInt32BE(v.length, o);
      o += v.copy(body, o);
    }
    const head = Buffer.alloc(5);
    head[0] = 0x44; // 'D'
    head.writeInt32BE(body.length + 4, 1);
    parts.push(head, body);
  }
  return Buffer.concat(parts);
}

export async function benchEvidencePacket(
  rawMiB = Number(process.env.BENCH_PACKET_MIB ?? 512),
): Promise<{ name: string; value: number; unit: string; ratio?: number; against?: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-packet-bench-'));
  const recording = join(dir, 'big.vrec');
  const fd = openSync(recording, 'w');
  const writer = createRecordingWriter({
    header: {
      sessionId: 'ses_big',
      protocol: 'postgres',
      connection: 'orders',
      startedAt: new Date().toISOString(),
      startedAtUs: Date.now() * 1000,
      gatewayKeyFingerprint: signingKey.fingerprint,
    },
    compressor: createZstdCompressor(),
    sha256: nodeSha256,
  });
  writeSync(fd, writer.headerBytes());
  let raw = 0;
  let t = 0;
  for (let batch = 0; raw < rawMiB * 1024 * 1024; batch++) {
    if (batch % 50 === 0) {
      const q = Buffer.from(`select id, email, note from orders where batch = ${batch}\0`);
      const msg = Buffer.alloc(5);
      msg[0] = 0x51;
      msg.writeInt32BE(q.length + 4, 1);
      t += 200;
      writer.appendBytes(t, 'client', Buffer.concat([msg, q]));
    }
    const rows = dataRows(batch);
    raw += rows.length;
    t += 50;
    if (writer.appendBytes(t, 'server', rows)) {
      const chunk = writer.flushChunk();
      if (chunk) writeSync(fd, chunk);
    }
  }
  const last = writer.flushChunk();
  if (last) writeSync(fd, last);
  const sealed = writer.seal({
    endedAtUs: Date.now() * 1000,
    interrupted: false,
    reason: 'bench',
    publicKey: key.publicKey,
    sign: ed25519Signer(key.privateKey).sign,
  });
  writeSync(fd, sealed.bytes);
  closeSync(fd);

  const store = openSqliteStore({ path: join(dir, 'vigil.db'), logger: silentLogger });
  store.createSession({
    id: 'ses_big',
    protocol: 'postgres',
    connection: 'orders',
    principal: 'agent',
    groups: [],
    clientAddr: '127.0.0.1:1',
    upstream: 'db:5432/orders',
    recording,
  });
  store.appendAudit({
    type: 'session.start',
    actor: 'agent',
    sessionId: 'ses_big',
    connection: 'orders',
    data: { protocol: 'postgres' },
  });
  store.endSession('ses_big', {
    endedAt: new Date().toISOString(),
    status: 'ended',
    endReason: 'bench',
    finalHash: sealed.summary.finalHash,
  });

  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const baseRss = process.memoryUsage().rss;
  const out = join(dir, 'packet.zip');
  const started = performance.now();
  let lastT = started;
  const phases: string[] = [];
  const result = await buildEvidencePacket({
    onProgress: ({ file }) => {
      const now = performance.now();
      phases.push(`${file.split('/').pop()} ${((now - lastT) / 1000).toFixed(2)} s`);
      lastT = now;
    },
    store,
    sessionIds: ['ses_big'],
    signingKey,
    creator: { principal: 'bench', via: 'cli' },
    toolVersion: 'bench',
    out,
    deflateLevel: Number(process.env.DEFLATE_LEVEL ?? 1),
  });
  const built = performance.now() - started;
  const verifyStart = performance.now();
  const verified = await verifyPacketFile(out, { trustedKey: key.publicKey });
  const verifiedMs = performance.now() - verifyStart;
  clearInterval(sampler);

  const mbps = (ms: number) => raw / 1e6 / (ms / 1000);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  if (!verified.ok) throw new Error('the packet built by the bench does not verify');
  return [
    {
      name: `evidence packet build, ${rawMiB} MiB PostgreSQL session`,
      value: mbps(built),
      unit: 'MB/s of session bytes',
    },
    { name: 'evidence packet verify (offline)', value: mbps(verifiedMs), unit: 'MB/s of session bytes' },
    {
      name: 'evidence packet build, peak RSS growth',
      value: (peakRss - baseRss) / 1024 / 1024,
      unit: 'MiB',
      against: `packet ${(result.size / 1024 / 1024).toFixed(0)} MiB`,
    },
  ];
}
