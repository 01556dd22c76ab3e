import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from './byte-source';
import { concatBytes } from './bytes';
import { findValidPrefix } from './find-valid-prefix';
import { openRecording } from './recording-reader';
import { sealPrefix } from './seal-prefix';
import { buildRecording, TEST_SIGNER } from './testing/recording-builder';
import { verifyRecording } from './verify-recording';

describe('findValidPrefix', () => {
  it('recovers header + whole chunks from a file cut at every byte offset', async () => {
    const built = buildRecording({ chunks: 3, framesPerChunk: 3 });
    const boundaries = [built.header.length, ...built.index.map((c) => c.offset + c.length)];
    for (let cut = 0; cut <= built.bytes.length; cut++) {
      const p = await findValidPrefix(built.bytes.subarray(0, cut));
      const expected = boundaries.filter((b) => b <= cut).at(-1) ?? 0;
      const chunks = boundaries.filter((b) => b <= cut).length - 1;
      if (p.length !== expected || p.chunks.length !== Math.max(0, chunks)) {
        throw new Error(`cut ${cut}: prefix ${p.length} (${p.chunks.length} chunks), expected ${expected}`);
      }
      if (expected > 0) expect(p.lastHash).toBe(chunks > 0 ? built.index[chunks - 1]?.hash : p.headerHash);
      expect(p.seal?.valid ?? false).toBe(cut === built.bytes.length);
    }
  });

  it('gives a prefix that seals into a verifiable interrupted recording', async () => {
    const built = buildRecording({ chunks: 3, seal: false });
    const cut = built.bytes.subarray(0, (built.index[2]?.offset ?? 0) + 30);
    const prefix = await findValidPrefix(cut);
    expect(prefix).toMatchObject({ frames: 8, stoppedBecause: expect.stringMatching(/^torn record at offset/) });
    const { bytes, summary } = sealPrefix(prefix, { reason: 'gateway restarted', ...TEST_SIGNER });
    const repaired = concatBytes(cut.subarray(0, prefix.length), bytes);
    const r = await verifyRecording(byteSourceFromBytes(repaired), { publicKey: TEST_SIGNER.publicKey });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r).toMatchObject({ ok: true, interrupted: true, frames: 8, finalHash: summary.finalHash });
    expect(summary.endedAtUs).toBe((prefix.header?.startedAtUs ?? 0) + prefix.lastTUs);
    const rec = await openRecording(byteSourceFromBytes(repaired));
    expect(rec.seal?.reason).toBe('gateway restarted');
  });

  it('stops at a corrupt chunk and says where', async () => {
    const built = buildRecording({ chunks: 3 });
    const bytes = built.bytes.slice();
    const at = (built.index[1]?.offset ?? 0) + 100;
    bytes[at] = (bytes[at] as number) ^ 1;
    const p = await findValidPrefix(bytes);
    expect(p.length).toBe(built.index[1]?.offset);
    expect(p.stoppedBecause).toBe(`chunk 1 at offset ${built.index[1]?.offset}: hash mismatch (chain broken)`);
  });

  it('returns length 0 when the header is unusable', async () => {
    const p = await findValidPrefix(new Uint8Array([0x56, 0x52, 0x45]));
    expect(p).toMatchObject({ length: 0, header: undefined, lastHash: '' });
    expect(() => sealPrefix(p, { reason: 'x', ...TEST_SIGNER })).toThrow(/without a valid header/);
  });
});
