import { type Compressor, type Decompressor, zstdContentSize } from '@vigil/recordings';
import { Compressor as ZstdCompressor, Decompressor as ZstdDecompressor } from 'zstd-napi';

/**
 * Native zstd for recording chunks. One compression context is reused for every chunk (zstd-napi keeps
 * it and its scratch buffer), so a flush allocates only the output. Level 3 is zstd's default
 * speed/ratio trade-off; see recordings/bench/writer.bench.ts for numbers on pgbench-like traffic.
 */
export function createZstdCompressor(level = 3): Compressor {
  const zstd = new ZstdCompressor();
  zstd.setParameters({ compressionLevel: level });
  return { compress: (raw) => zstd.compress(raw) };
}

/** Native decompression for Node-side verification and recovery (the browser uses fzstd). */
export function createZstdDecompressor(): Decompressor {
  const zstd = new ZstdDecompressor();
  return {
    decompress(compressed, rawLength) {
      // Refuse before allocating: a hostile chunk could declare gigabytes.
      const declared = zstdContentSize(compressed);
      if (declared !== undefined && declared !== rawLength) {
        throw new Error(`zstd frame declares ${declared} bytes, chunk says ${rawLength}`);
      }
      const out = zstd.decompress(compressed);
      if (out.length !== rawLength) throw new Error(`decompressed to ${out.length} bytes, chunk says ${rawLength}`);
      return out;
    },
  };
}
