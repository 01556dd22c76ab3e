import { type PacketVerification, verifyEvidencePacket } from '@vigil/recordings';
import { sha256Hex } from '../audit/node-sha256';
import { openFileByteSource } from '../recording/file-byte-source';
import { nodeSha256 } from '../recording/node-sha256';
import { createZstdDecompressor } from '../recording/zstd-compressor';
import { nodeCrc32, nodeHash, nodeInflate } from './node-codecs';

/** Verifies a packet on disk with the native codecs (the same checks the browser runs with pure-JS ones). */
export async function verifyPacketFile(
  path: string,
  opts: { trustedKey?: Uint8Array } = {},
): Promise<PacketVerification> {
  const source = await openFileByteSource(path);
  try {
    return await verifyEvidencePacket(source, {
      ...opts,
      inflate: nodeInflate,
      hash: nodeHash,
      crc32: nodeCrc32,
      decompressor: createZstdDecompressor(),
      sha256: nodeSha256,
      sha256Hex,
    });
  } finally {
    await source.close();
  }
}
