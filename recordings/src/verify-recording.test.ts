import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from './byte-source';
import { concatBytes } from './bytes';
import { generateSigningKey } from './signing-key';
import { buildRecording, TEST_SIGNER } from './testing/recording-builder';
import { type VerifyResult, verifyRecording } from './verify-recording';

const verify = (bytes: Uint8Array, publicKey?: Uint8Array) =>
  verifyRecording(byteSourceFromBytes(bytes), publicKey ? { publicKey } : {});
const failures = (r: VerifyResult) => r.checks.filter((c) => !c.ok).map((c) => c.detail);

describe('verifyRecording', () => {
  it('accepts an intact sealed recording', async () => {
    const built = buildRecording({ chunks: 3 });
    const r = await verify(built.bytes, TEST_SIGNER.publicKey);
    expect(failures(r)).toEqual([]);
    expect(r).toMatchObject({ ok: true, interrupted: false, sealed: true, frames: 12, chunks: 3 });
    expect(r.finalHash).toBe(built.summary?.finalHash);
    expect(r.bytesClient).toBe(built.summary?.bytesClient);
    expect(r.checks.map((c) => c.name)).toEqual(['header', 'chain', 'seal', 'signature']);
  });

  it('detects every single flipped bit, byte by byte', async () => {
    const built = buildRecording({ chunks: 2, framesPerChunk: 3 });
    expect((await verify(built.bytes)).ok).toBe(true);
    for (let i = 0; i < built.bytes.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bytes = built.bytes.slice();
        bytes[i] = (bytes[i] as number) ^ mask;
        const r = await verify(bytes);
        if (r.ok) throw new Error(`flip of byte ${i} (mask ${mask}) went undetected`);
      }
    }
  });

  it('names the damaged chunk and its offset', async () => {
    const built = buildRecording({ chunks: 4 });
    const chunk2 = built.index[2];
    if (!chunk2) throw new Error('fixture');
    const bytes = built.bytes.slice();
    bytes[chunk2.offset + 100] = (bytes[chunk2.offset + 100] as number) ^ 0x40;
    const r = await verify(bytes);
    const f = failures(r);
    expect(f[0]).toMatch(new RegExp(`^chunk 2 at offset ${chunk2.offset}: hash mismatch \\(chain broken\\)`));
    expect(f[1]).toBe('1 of 4 chunks failed');
  });

  it('reports a corrupt header', async () => {
    const bytes = buildRecording().bytes.slice();
    bytes[20] = (bytes[20] as number) ^ 1;
    const r = await verify(bytes);
    expect(r.ok).toBe(false);
    expect(failures(r)).toEqual(['header corrupt: header hash mismatch']);
  });

  it('reports reordered chunks', async () => {
    const b = buildRecording({ chunks: 4 });
    const [c0, c1, c2, c3] = b.chunkRecords as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const r = await verify(concatBytes(b.header, c0, c2, c1, c3, b.seal as Uint8Array));
    expect(r.ok).toBe(false);
    const f = failures(r);
    expect(f[0]).toMatch(/^chunk 1 at offset \d+: hash mismatch \(chain broken\); sequence number 2, expected 1/);
    expect(f[1]).toMatch(/^chunk 2 at offset \d+: hash mismatch \(chain broken\); sequence number 1, expected 2/);
  });

  it('reports a dropped chunk', async () => {
    const b = buildRecording({ chunks: 4 });
    const [c0, c1, , c3] = b.chunkRecords as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const r = await verify(concatBytes(b.header, c0, c1, c3, b.seal as Uint8Array));
    expect(r.ok).toBe(false);
    expect(failures(r)[0]).toMatch(
      /^chunk 2 at offset \d+: hash mismatch \(chain broken\); sequence number 3, expected 2/,
    );
    expect(failures(r).at(-1)).toMatch(/^seal does not match the file: chunk count 4 ≠ 3; frame count 16 ≠ 12/);
  });

  it('reports a seal signed by another key, and a forged signature', async () => {
    const built = buildRecording();
    const other = generateSigningKey();
    expect(failures(await verify(built.bytes, other.publicKey))).toEqual([
      expect.stringMatching(/^seal signed by SHA256:\S+, expected SHA256:\S+$/),
    ]);
    const forged = built.bytes.slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    expect(failures(await verify(forged))).toEqual(['seal signature invalid']);
  });

  it('reports an unsealed, torn recording as interrupted', async () => {
    const built = buildRecording({ chunks: 3, seal: false });
    const cut = built.bytes.subarray(0, built.bytes.length - 10);
    const r = await verify(cut);
    expect(r).toMatchObject({ ok: false, interrupted: true, sealed: false, chunks: 2, frames: 8 });
    expect(failures(r)).toEqual([
      `file truncated after chunk 1 (recording interrupted, not sealed): chunk record cut off (${(built.index[2]?.length ?? 0) - 10} of ${built.index[2]?.length} bytes) at offset ${built.index[2]?.offset}`,
      'no seal record: recording interrupted after 2 chunks (8 frames)',
    ]);
  });

  it('accepts a recording sealed as interrupted', async () => {
    const r = await verify(buildRecording({ seal: { interrupted: true, reason: 'gateway crashed' } }).bytes);
    expect(r).toMatchObject({ ok: true, interrupted: true, sealed: true });
    expect(r.checks.find((c) => c.name === 'seal')?.detail).toMatch(/interrupted \(gateway crashed\)/);
  });

  it('reports a chunk whose payload does not decompress', async () => {
    const garbage = { compress: (raw: Uint8Array) => raw.slice() }; // not a zstd frame, but correctly hashed
    const r = await verify(buildRecording({ chunks: 1, compressor: garbage }).bytes);
    expect(failures(r)).toEqual([
      expect.stringMatching(/^chunk 0 at offset \d+: decompression failed: not a zstd frame$/),
      '1 of 1 chunks failed',
      expect.stringMatching(/^seal does not match the file: client bytes \d+ ≠ 0; server bytes \d+ ≠ 0$/),
    ]);
  });

  it('reports bytes appended after the seal', async () => {
    const r = await verify(concatBytes(buildRecording().bytes, new Uint8Array([1, 2, 3])));
    expect(failures(r)).toEqual(['3 unexpected bytes after the seal']);
  });
});
