import { fromHex } from './bytes';
import type { ValidPrefix } from './find-valid-prefix';
import type { SealSummary, SignFn } from './recording.types';
import { sealSummary } from './recording-writer';
import { encodeSealRecord } from './seal-record';

export interface SealPrefixOptions {
  /** µs since the epoch; defaults to the time of the last valid frame. */
  endedAtUs?: number;
  reason: string;
  publicKey: Uint8Array;
  sign: SignFn;
}

/**
 * The seal for a recording cut back to `prefix.length`: marked interrupted, totals taken from the
 * prefix. Append the returned bytes at `prefix.length` after truncating. @see FORMAT.md §6.2
 */
export function sealPrefix(prefix: ValidPrefix, opts: SealPrefixOptions): { bytes: Uint8Array; summary: SealSummary } {
  if (!prefix.header) throw new Error(`cannot seal a recording without a valid header: ${prefix.stoppedBecause}`);
  const fields = {
    interrupted: true,
    reason: opts.reason,
    chunkCount: prefix.chunks.length,
    frameCount: prefix.frames,
    bytesClient: prefix.bytesClient,
    bytesServer: prefix.bytesServer,
    endedAtUs: Math.trunc(opts.endedAtUs ?? prefix.header.startedAtUs + prefix.lastTUs),
    lastTUs: prefix.lastTUs,
    headerHash: fromHex(prefix.headerHash),
    finalHash: fromHex(prefix.lastHash),
    publicKey: opts.publicKey,
  };
  const bytes = encodeSealRecord(fields, opts.sign);
  return { bytes, summary: sealSummary(fields, bytes, prefix.length) };
}
