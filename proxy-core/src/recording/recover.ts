import { open } from 'node:fs/promises';
import {
  type ByteSource,
  type ChunkIndexEntry,
  findValidPrefix,
  type SealInfo,
  type SealSummary,
  sealPrefix,
  toHex,
  type ValidPrefix,
} from '@vigil/recordings';
import type { Logger } from '../logger';
import { fileHandleByteSource } from './file-byte-source';
import { nodeSignEd25519 } from './node-ed25519';
import { nodeSha256 } from './node-sha256';
import { createZstdDecompressor } from './zstd-compressor';

export interface RecoveredRecording extends Omit<SealSummary, 'chunks'> {
  /** The chunk index of the recovered file (for the session store). */
  chunks: ChunkIndexEntry[];
  /** Bytes cut from the end (a torn chunk, zero fill). */
  discardedBytes: number;
  /** The file already had a valid seal and was left untouched. */
  alreadySealed: boolean;
}

export interface RecoverOptions {
  logger?: Logger;
  /** µs since the epoch; defaults to the time of the last recorded frame. */
  endedAtUs?: number;
  /**
   * Also cut off data that is damaged rather than torn (a chunk failing its hash, unknown bytes).
   * Off by default: that is what tampering looks like, and sealing over it would hide it.
   */
  force?: boolean;
}

/**
 * Seals a recording left open by a crash: truncates it to its longest valid prefix (header + whole
 * chunks that hash-chain and decode) and appends a seal marked interrupted. Idempotent: a file with a
 * valid seal is returned as is. Refuses files with an invalid seal.
 */
export async function sealInterruptedRecording(
  path: string,
  signingKey: { privateKey: Uint8Array; publicKey: Uint8Array },
  reason: string,
  opts: RecoverOptions = {},
): Promise<RecoveredRecording> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    const source = fileHandleByteSource(handle, size);
    const prefix = await findValidPrefix(source, { decompressor: createZstdDecompressor(), sha256: nodeSha256 });
    if (!prefix.header) throw new Error(`${path}: cannot recover: ${prefix.stoppedBecause}`);
    if (prefix.seal) {
      if (!prefix.seal.valid) throw new Error(`${path}: has a seal that does not verify; refusing to modify it`);
      return { ...summaryOf(prefix.seal.info, prefix), chunks: prefix.chunks, discardedBytes: 0, alreadySealed: true };
    }
    if (prefix.stop && prefix.stop !== 'torn' && !opts.force && !(await allZero(source, prefix.length))) {
      throw new Error(`${path}: damaged, not just torn (${prefix.stoppedBecause}); refusing to seal over it`);
    }
    const { bytes, summary } = sealPrefix(prefix, {
      endedAtUs: opts.endedAtUs,
      reason,
      publicKey: signingKey.publicKey,
      sign: (msg) => nodeSignEd25519(msg, signingKey.privateKey),
    });
    await handle.truncate(prefix.length);
    await handle.write(bytes, 0, bytes.length, prefix.length);
    await handle.sync();
    const discardedBytes = size - prefix.length;
    opts.logger?.warn('sealed interrupted recording', {
      path,
      frames: summary.frames,
      discardedBytes,
      why: prefix.stoppedBecause,
    });
    return { ...summary, chunks: prefix.chunks, discardedBytes, alreadySealed: false };
  } finally {
    await handle.close();
  }
}

/** After a power loss some filesystems show the unwritten end of a file as zeros: that is a torn tail too. */
async function allZero(source: ByteSource, from: number): Promise<boolean> {
  for (let at = from; at < source.size; at += 65536) {
    const part = await source.read(at, Math.min(65536, source.size - at));
    if (part.some((b) => b !== 0)) return false;
  }
  return true;
}

function summaryOf(seal: SealInfo, prefix: ValidPrefix): SealSummary {
  return {
    frames: seal.frameCount,
    chunks: seal.chunkCount,
    bytesClient: seal.bytesClient,
    bytesServer: seal.bytesServer,
    headerHash: seal.headerHash,
    finalHash: seal.finalHash,
    endedAtUs: seal.endedAtUs,
    endedAt: seal.endedAt,
    lastTUs: seal.lastTUs,
    interrupted: seal.interrupted,
    reason: seal.reason,
    keyFingerprint: seal.keyFingerprint,
    signature: toHex(seal.signature),
    sealOffset: prefix.length,
    fileLength: prefix.length + (prefix.seal?.length ?? 0),
  };
}
