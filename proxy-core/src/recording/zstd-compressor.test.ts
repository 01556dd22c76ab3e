import { defaultDecompressor } from '@vigil/recordings';
import { describe, expect, it } from 'vitest';
import { createZstdCompressor, createZstdDecompressor } from './zstd-compressor';

describe('zstd compressor', () => {
  const raw = new TextEncoder().encode('D\0\0\0\x0bselect 1;'.repeat(500));

  it('produces frames the browser decoder (fzstd) and the native one both read', () => {
    const compressor = createZstdCompressor();
    const z = compressor.compress(raw);
    expect(z.length).toBeLessThan(raw.length / 20);
    expect(defaultDecompressor.decompress(z, raw.length)).toEqual(raw);
    expect(new Uint8Array(createZstdDecompressor().decompress(z, raw.length))).toEqual(raw);
    expect(compressor.compress(raw)).toEqual(z); // the reused context keeps no state between chunks
  });

  it('refuses a frame whose declared size differs from the chunk raw length', () => {
    const z = createZstdCompressor().compress(raw);
    expect(() => createZstdDecompressor().decompress(z, raw.length + 1)).toThrow(/declares/);
    expect(() => defaultDecompressor.decompress(z, raw.length - 1)).toThrow(/declares/);
  });
});
