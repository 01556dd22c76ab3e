import { decompress as fzstdDecompress } from 'fzstd';
import type { Compressor, Decompressor } from './recording.types';

/** Zstandard frame magic number 0xFD2FB528, little-endian. @see RFC 8878 §3.1.1 */
const ZSTD_MAGIC = 0xfd2fb528;
const MAX_RAW_BLOCK = 128 * 1024;

/**
 * A compressor that stores without compressing: one valid zstd frame of Raw blocks (RFC 8878 §3.1.1.2).
 * For tests, fixtures and browsers that must write a recording without a zstd encoder.
 */
export const storeCompressor: Compressor = {
  compress(raw) {
    const blocks = Math.max(1, Math.ceil(raw.length / MAX_RAW_BLOCK));
    const out = new Uint8Array(9 + blocks * 3 + raw.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, ZSTD_MAGIC, true);
    // Frame_Header_Descriptor: FCS_Field_Size flag 2 (4 bytes), Single_Segment 1, no checksum, no dictionary.
    out[4] = 0xa0;
    view.setUint32(5, raw.length, true);
    let o = 9;
    for (let b = 0; b < blocks; b++) {
      const part = raw.subarray(b * MAX_RAW_BLOCK, (b + 1) * MAX_RAW_BLOCK);
      // Block_Header: Last_Block bit 0, Block_Type 0 (Raw) in bits 1–2, Block_Size in bits 3–23.
      const header = (part.length << 3) | (b === blocks - 1 ? 1 : 0);
      out[o] = header & 0xff;
      out[o + 1] = (header >> 8) & 0xff;
      out[o + 2] = (header >> 16) & 0xff;
      out.set(part, o + 3);
      o += 3 + part.length;
    }
    return out;
  },
};

/**
 * Pure-JS zstd decoding (fzstd), usable in browsers. The declared Frame_Content_Size is checked against
 * the chunk's raw length before decoding so a hostile chunk cannot make us allocate more than it claims.
 */
export const defaultDecompressor: Decompressor = {
  decompress(compressed, rawLength) {
    const declared = zstdContentSize(compressed);
    if (declared !== undefined && declared !== rawLength) {
      throw new Error(`zstd frame declares ${declared} bytes, chunk says ${rawLength}`);
    }
    const out = fzstdDecompress(compressed);
    if (out.length !== rawLength) throw new Error(`decompressed to ${out.length} bytes, chunk says ${rawLength}`);
    return out;
  },
};

/** Frame_Content_Size of the first zstd frame, or undefined when absent. @see RFC 8878 §3.1.1.1 */
export function zstdContentSize(frame: Uint8Array): number | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < 6 || view.getUint32(0, true) !== ZSTD_MAGIC) throw new Error('not a zstd frame');
  const fhd = frame[4] as number;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const dictIdSize = [0, 1, 2, 4][fhd & 3] as number;
  if (fcsFlag === 0 && !singleSegment) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictIdSize;
  const size = [1, 2, 4, 8][fcsFlag] as number;
  if (frame.length < at + size) throw new Error('truncated zstd frame header');
  if (size === 1) return view.getUint8(at);
  if (size === 2) return view.getUint16(at, true) + 256;
  if (size === 4) return view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 2 ** 32 + view.getUint32(at, true);
}
