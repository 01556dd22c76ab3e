import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteSourceFromBytes, type ChunkIndexEntry, generateSigningKey, verifyRecording } from '@vigil/recordings';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger';
import { sealInterruptedRecording } from './recover';
import { createSessionRecorder } from './session-recorder';
import { createZstdCompressor } from './zstd-compressor';

const key = generateSigningKey();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-recover-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A recording as a crashed gateway leaves it: chunks on disk, no seal. Returns its path and index. */
async function crashedRecording(chunkCount: number): Promise<{ path: string; chunks: ChunkIndexEntry[] }> {
  const path = join(dir, 'ses.vrec');
  const chunks: ChunkIndexEntry[] = [];
  let now = Date.parse('2025-05-06T07:08:09.000Z') * 1000;
  const rec = createSessionRecorder({
    path,
    header: { sessionId: 'ses_crash', protocol: 'postgres' },
    compressor: createZstdCompressor(),
    signingKey: key,
    clock: () => now,
    logger: silentLogger,
    maxChunkRaw: 2048,
    // No timed flush: only full chunks are written, so the file stops changing once they are (see below).
    flushIntervalMs: 60_000,
    onChunk: (e) => chunks.push(e),
  });
  // Each record is on disk before the next (a full chunk is written, and indexed, at once): exactly `chunkCount`
  // chunks, and nothing still in flight when the recorder is abandoned.
  const written = async () => {
    while (rec.pendingWriteBytes > 0) await new Promise((r) => setTimeout(r, 1));
  };
  for (let i = 0; chunks.length < chunkCount; i++) {
    now += 1000;
    rec.recordBytes(i % 2 ? 'server' : 'client', new TextEncoder().encode(`message ${i} `.repeat(20)));
    await written();
  }
  // Simulate the crash: the recorder is abandoned, only what was written is on disk.
  const last = chunks.at(-1) as ChunkIndexEntry;
  expect(readFileSync(path).length).toBe(last.offset + last.length);
  return { path, chunks };
}

const verify = (path: string) => verifyRecording(byteSourceFromBytes(readFileSync(path)), { publicKey: key.publicKey });

describe('sealInterruptedRecording', () => {
  it('cuts a file torn mid-chunk back to whole chunks and seals it as interrupted', async () => {
    const { path, chunks } = await crashedRecording(4);
    const torn = chunks[3] as ChunkIndexEntry;
    truncateSync(path, torn.offset + Math.floor(torn.length / 2));
    const result = await sealInterruptedRecording(path, key, 'gateway crashed');
    expect(result).toMatchObject({
      alreadySealed: false,
      interrupted: true,
      reason: 'gateway crashed',
      chunks: chunks.slice(0, 3),
      frames: (chunks[2]?.firstFrame ?? 0) + (chunks[2]?.frameCount ?? 0),
      finalHash: chunks[2]?.hash,
      discardedBytes: Math.floor(torn.length / 2),
      sealOffset: torn.offset,
    });
    expect(result.endedAtUs).toBe(Date.parse('2025-05-06T07:08:09.000Z') * 1000 + (chunks[2]?.lastTUs ?? 0));
    const v = await verify(path);
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v).toMatchObject({ ok: true, interrupted: true, chunks: 3, finalHash: chunks[2]?.hash });
    expect(readFileSync(path).length).toBe(result.fileLength);
  });

  it('is idempotent: a sealed file is left as it is', async () => {
    const { path } = await crashedRecording(2);
    const first = await sealInterruptedRecording(path, key, 'gateway crashed');
    const bytes = readFileSync(path);
    const again = await sealInterruptedRecording(path, key, 'second attempt');
    expect(again).toMatchObject({ alreadySealed: true, reason: 'gateway crashed', finalHash: first.finalHash });
    expect(again.chunks).toEqual(first.chunks);
    expect(readFileSync(path)).toEqual(bytes);
  });

  it('seals a file that ends cleanly after a chunk, or holds only its header', async () => {
    const { path, chunks } = await crashedRecording(2);
    expect((await sealInterruptedRecording(path, key, 'crash')).chunks).toEqual(chunks);
    const headerOnly = join(dir, 'empty.vrec');
    writeFileSync(headerOnly, readFileSync(path).subarray(0, chunks[0]?.offset));
    const r = await sealInterruptedRecording(headerOnly, key, 'crash');
    expect(r).toMatchObject({ frames: 0, chunks: [], discardedBytes: 0 });
    expect((await verify(headerOnly)).ok).toBe(true);
  });

  it('treats a zero-filled tail (power loss) as torn', async () => {
    const { path } = await crashedRecording(2);
    appendFileSync(path, new Uint8Array(4096));
    const r = await sealInterruptedRecording(path, key, 'power loss');
    expect(r.discardedBytes).toBe(4096);
    expect((await verify(path)).ok).toBe(true);
  });

  it('refuses to seal over damage that is not a torn tail, unless forced', async () => {
    const { path, chunks } = await crashedRecording(3);
    const bytes = readFileSync(path);
    const at = (chunks[1]?.offset ?? 0) + 100;
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(path, bytes);
    await expect(sealInterruptedRecording(path, key, 'crash')).rejects.toThrow(
      /damaged, not just torn \(chunk 1 at offset \d+: hash mismatch/,
    );
    expect(readFileSync(path)).toEqual(bytes);
    const forced = await sealInterruptedRecording(path, key, 'crash', { force: true });
    expect(forced.chunks).toHaveLength(1);
  });

  it('refuses a file whose seal does not verify, and one without a header', async () => {
    const { path } = await crashedRecording(1);
    await sealInterruptedRecording(path, key, 'crash');
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    writeFileSync(path, bytes);
    await expect(sealInterruptedRecording(path, key, 'crash')).rejects.toThrow(/seal that does not verify/);
    writeFileSync(path, 'VRE');
    await expect(sealInterruptedRecording(path, key, 'crash')).rejects.toThrow(/cannot recover: header unusable/);
  });
});
