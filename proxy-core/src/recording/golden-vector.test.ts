import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findValidPrefix, sha256Hex } from '@vigil/recordings';
import { describe, expect, it } from 'vitest';
// Test-only reach into the recordings package: the vector's frames are defined beside its decoder tests.
import { encodeGoldenVector, type GoldenVector } from '../../../recordings/src/testing/golden-vector';
import { createZstdCompressor } from './zstd-compressor';

/**
 * Writes recordings/test-vectors/v1-*.vrec from v1-basic.json with real zstd (level 3) when
 * VREC_REGENERATE=1; otherwise checks the committed files still match their JSON. The browser-side
 * test (recordings/src/test-vectors.test.ts) checks they decode, verify and re-encode byte for byte.
 * Only regenerate for a new vector: existing ones must keep decoding across versions (FORMAT.md §8).
 */
const dir = fileURLToPath(new URL('../../../recordings/test-vectors/', import.meta.url));
const jsonPath = `${dir}v1-basic.json`;

describe('golden test vector v1-basic', () => {
  it.runIf(process.env.VREC_REGENERATE === '1')('regenerates the vector files', async () => {
    const vector = JSON.parse(readFileSync(jsonPath, 'utf8')) as GoldenVector;
    const { bytes, torn, expect: e } = encodeGoldenVector(vector, createZstdCompressor(3));
    const prefix = await findValidPrefix(torn);
    const { tornCut: _, ...rest } = e;
    vector.header.gatewayKeyFingerprint = e.keyFingerprint;
    vector.expect = {
      ...rest,
      torn: {
        fileLength: torn.length,
        validPrefixLength: prefix.length,
        chunks: prefix.chunks.length,
        frames: prefix.frames,
      },
    };
    writeFileSync(`${dir}v1-basic.vrec`, bytes);
    writeFileSync(`${dir}v1-torn.vrec`, torn);
    writeFileSync(jsonPath, `${JSON.stringify(vector, null, 2)}\n`);
  });

  it('committed files match the hashes and lengths in the JSON', () => {
    const vector = JSON.parse(readFileSync(jsonPath, 'utf8')) as GoldenVector;
    const bytes = readFileSync(`${dir}v1-basic.vrec`);
    const torn = readFileSync(`${dir}v1-torn.vrec`);
    expect(bytes.length).toBe(vector.expect.fileLength);
    expect(sha256Hex(bytes)).toBe(vector.expect.fileSha256);
    expect(torn).toEqual(bytes.subarray(0, vector.expect.torn.fileLength));
  });
});
