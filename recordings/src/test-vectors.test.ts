import { describe, expect, it } from 'vitest';
import vectorJson from '../test-vectors/v1-basic.json';
import basicUrl from '../test-vectors/v1-basic.vrec?url&inline';
import tornUrl from '../test-vectors/v1-torn.vrec?url&inline';
import { byteSourceFromBytes } from './byte-source';
import { fromBase64, fromHex, toHex } from './bytes';
import { findValidPrefix } from './find-valid-prefix';
import type { Frame } from './recording.types';
import { openRecording } from './recording-reader';
import { encodeGoldenVector, type GoldenVector, replayCompressor, type VectorFrame } from './testing/golden-vector';
import { verifyRecording } from './verify-recording';

/**
 * Golden vectors must keep decoding, verifying and re-encoding identically in every later version.
 * @see ../FORMAT.md §8 (how they are made and when to add, never change, one)
 */
const vector = vectorJson as unknown as GoldenVector;
const bytesOf = (dataUrl: string) => fromBase64(dataUrl.slice(dataUrl.indexOf(',') + 1));
const basic = bytesOf(basicUrl);
const torn = bytesOf(tornUrl);

function asVectorFrame(f: Frame): VectorFrame {
  if (f.kind !== 'bytes') return f;
  const { data, ...rest } = f;
  return { ...rest, dataHex: toHex(data) };
}

describe('test vector v1-basic', () => {
  it('verifies with the vector key', async () => {
    const r = await verifyRecording(byteSourceFromBytes(basic), { publicKey: fromHex(vector.expect.publicKeyHex) });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r).toMatchObject({
      ok: true,
      interrupted: false,
      frames: vector.expect.frames,
      finalHash: vector.expect.finalHash,
      bytesClient: vector.expect.bytesClient,
      bytesServer: vector.expect.bytesServer,
    });
  });

  it('decodes to the frames in the JSON', async () => {
    const rec = await openRecording(byteSourceFromBytes(basic));
    expect(rec.header).toEqual(vector.header);
    expect(rec.headerHash).toBe(vector.expect.headerHash);
    expect(rec.chunks).toEqual(vector.expect.index);
    expect(rec.seal).toMatchObject({ ...vector.seal, keyFingerprint: vector.expect.keyFingerprint });
    const frames = await rec.readFrames(0, 1000);
    expect(frames.map(asVectorFrame)).toEqual(vector.chunks.flat());
  });

  it('re-encodes byte for byte (same payloads, same layout, same deterministic signature)', () => {
    const { bytes } = encodeGoldenVector(vector, replayCompressor(basic, vector.expect.index));
    expect(toHex(bytes)).toBe(toHex(basic));
  });

  it('v1-torn recovers to the expected prefix', async () => {
    const p = await findValidPrefix(torn);
    expect(p).toMatchObject({
      length: vector.expect.torn.validPrefixLength,
      frames: vector.expect.torn.frames,
      lastHash: vector.expect.index[vector.expect.torn.chunks - 1]?.hash,
      stop: 'torn',
    });
  });
});
