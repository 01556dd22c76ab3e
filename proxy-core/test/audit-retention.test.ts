import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRecordingWriter, ed25519Signer, type PurgedRecording, verifyPurgedRecording } from '@vigil/recordings';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAuditLog } from '../src/audit/audit-log-check';
import { parseRetention, purgedPath, purgeExpiredRecordings } from '../src/audit/retention-purge';
import { silentLogger } from '../src/logger';
import { loadOrCreateSigningKey, type SigningKey } from '../src/recording/signing-key';
import { createZstdCompressor } from '../src/recording/zstd-compressor';
import { openTempStore, type TempStore } from '../src/store/temp-store';

let temp: TempStore;
let key: SigningKey;
const NOW = new Date('2025-03-01T00:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

/** A sealed recording of a few chunks, registered as an ended session that started `age` days ago. */
function session(id: string, connection: string, age: number): string {
  const startedAt = daysAgo(age);
  const w = createRecordingWriter({
    header: {
      sessionId: id,
      protocol: 'postgres',
      connection,
      startedAt,
      startedAtUs: Date.parse(startedAt) * 1000,
      gatewayKeyFingerprint: key.fingerprint,
    },
    compressor: createZstdCompressor(),
  });
  const parts = [w.headerBytes()];
  for (let c = 0; c < 3; c++) {
    w.appendBytes(c * 1000, 'client', new TextEncoder().encode(`Q\0\0\0\x0fselect ${c};\0`));
    w.appendBytes(c * 1000 + 5, 'server', new TextEncoder().encode(`secret customer data ${c} `.repeat(50)));
    parts.push(w.flushChunk() as Uint8Array);
  }
  parts.push(
    w.seal({
      endedAtUs: Date.parse(startedAt) * 1000 + 3_000_000,
      interrupted: false,
      reason: 'client terminated',
      ...ed25519Signer(key.privateKey),
    }).bytes,
  );
  const recording = join(temp.dir, `${id}.vrec`);
  writeFileSync(recording, Buffer.concat(parts));
  temp.store.createSession({
    id,
    protocol: 'postgres',
    connection,
    principal: 'agent-1',
    groups: [],
    clientAddr: '127.0.0.1:1',
    upstream: 'db',
    startedAt,
    recording,
  });
  temp.store.endSession(id, {
    endedAt: new Date(Date.parse(startedAt) + 3000).toISOString(),
    status: 'ended',
    endReason: 'client terminated',
    finalHash: null,
  });
  return recording;
}

beforeEach(() => {
  temp = openTempStore();
  key = loadOrCreateSigningKey(join(temp.dir, 'keys'));
});

afterEach(() => temp.remove());

const purge = (dryRun = false) =>
  purgeExpiredRecordings({
    store: temp.store,
    retention: { orders: '30d' },
    logger: silentLogger,
    now: () => NOW,
    publicKey: key.publicKey,
    dryRun,
  });

describe('retention purge', () => {
  it('parses retention periods', () => {
    expect(parseRetention('30d')).toBe(30 * 86_400_000);
    expect(parseRetention('12h')).toBe(12 * 3_600_000);
    expect(parseRetention('2w')).toBe(14 * 86_400_000);
    expect(() => parseRetention('30 days')).toThrow(/expected a number and a unit, e.g. 30d/);
  });

  it('removes content past the connection’s retention, keeps a verifiable skeleton, and audits it first', async () => {
    const old = session('ses_old', 'orders', 45);
    const young = session('ses_young', 'orders', 10);
    const other = session('ses_other', 'billing', 400); // no retention configured for billing
    const size = statSync(old).size;
    expect((await purge(true)).purged.map((p) => p.sessionId)).toEqual(['ses_old']);
    expect(existsSync(old)).toBe(true); // a dry run changes nothing

    const report = await purge();
    expect(report).toEqual({
      purged: [{ sessionId: 'ses_old', connection: 'orders', removedBytes: expect.any(Number) }],
      refused: [],
    });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(young) && existsSync(other)).toBe(true);

    const kept = readFileSync(purgedPath(old), 'utf8');
    expect(kept).not.toContain('secret customer data');
    const skeleton = JSON.parse(kept) as PurgedRecording;
    const keptBytes = [skeleton.header, ...skeleton.chunks, skeleton.seal].reduce(
      (n, b) => n + Buffer.from(b, 'base64').length,
      0,
    );
    expect(skeleton.removedBytes).toBe(size - keptBytes); // exactly the chunk payloads went
    const verified = verifyPurgedRecording(skeleton, { publicKey: key.publicKey });
    expect(verified.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verified.checks.find((c) => c.name === 'chunks')?.detail).toMatch(
      /^3 chunk headers, 6 frames; payloads removed \(\d+ bytes\) by connection orders retention 30d at 2025-03-01T00:00:00.000Z$/,
    );

    const [event] = temp.store.listAudit({ type: 'recording.purged' });
    expect(event).toMatchObject({
      actor: 'system',
      sessionId: 'ses_old',
      connection: 'orders',
      data: { rule: 'connection orders retention 30d', chunks: 3, kept: 'ses_old.vrec.purged.json' },
    });
    expect(event?.data).toMatchObject({ removedBytes: report.purged[0]?.removedBytes });
    expect(checkAuditLog(temp.store).ok).toBe(true);

    expect((await purge()).purged).toEqual([]); // nothing left to do
  });

  it('detects changes to what was kept', async () => {
    const old = session('ses_old', 'orders', 45);
    await purge();
    const skeleton = JSON.parse(readFileSync(purgedPath(old), 'utf8')) as PurgedRecording;
    const flip = (b64: string, at: number) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[at] = (bytes[at] as number) ^ 1;
      return bytes.toString('base64');
    };
    const failing = (p: PurgedRecording) =>
      verifyPurgedRecording(p, { publicKey: key.publicKey })
        .checks.filter((c) => !c.ok)
        .map((c) => `${c.name}: ${c.detail}`);
    expect(failing({ ...skeleton, header: flip(skeleton.header, 20) })).toContainEqual(
      'header: header corrupt: header hash mismatch',
    );
    expect(
      failing({
        ...skeleton,
        chunks: [skeleton.chunks[0] as string, flip(skeleton.chunks[1] as string, 50), skeleton.chunks[2] as string],
      }),
    ).toContainEqual('chunk 1: record header checksum mismatch');
    expect(failing({ ...skeleton, chunks: skeleton.chunks.slice(0, 2) })).toContainEqual(
      expect.stringMatching(/^seal: seal does not match what was kept: chunk count 3 ≠ 2/),
    );
    expect(failing({ ...skeleton, seal: flip(skeleton.seal, 100) })).toContainEqual(
      expect.stringMatching(/^(seal|signature): /),
    );
  });

  it('does not purge a recording that does not verify, and audits the refusal', async () => {
    const old = session('ses_bad', 'orders', 45);
    const bytes = readFileSync(old);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 1;
    writeFileSync(old, bytes);
    const report = await purge();
    expect(report.purged).toEqual([]);
    expect(report.refused[0]?.reason).toMatch(/^recording does not verify: /);
    expect(existsSync(old)).toBe(true);
    expect(temp.store.listAudit({ type: 'recording.purge_refused' })[0]).toMatchObject({ sessionId: 'ses_bad' });
  });
});
