import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { PURGED_FORMAT, type PurgedRecording, purgedSkeleton, verifyRecording } from '@vigil/recordings';
import type { Logger } from '../logger';
import { openFileByteSource } from '../recording/file-byte-source';
import { nodeSha256 } from '../recording/node-sha256';
import { createZstdDecompressor } from '../recording/zstd-compressor';
import type { Session, Store } from '../store/store.types';

/** `retention: 30d` → ms. Units: m(inutes), h(ours), d(ays), w(eeks). */
export function parseRetention(text: string): number {
  const m = /^(\d{1,6})\s*([mhdw])$/.exec(text.trim());
  if (!m) throw new Error(`retention ${JSON.stringify(text)}: expected a number and a unit, e.g. 30d, 12h, 2w`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/** Where a purged recording's skeleton lives: beside where the recording was. */
export const purgedPath = (recording: string) => `${recording}.purged.json`;

export interface PurgeOptions {
  store: Store;
  /** Connection name → retention (`30d`), from each connection's `retention` in vigil.yaml. */
  retention: Readonly<Record<string, string>>;
  logger: Logger;
  now?: () => Date;
  /** Gateway public key: a recording sealed by another key is not purged (it is kept for investigation). */
  publicKey?: Uint8Array;
  /** Report what would be purged, change nothing. */
  dryRun?: boolean;
}

export interface PurgeReport {
  purged: { sessionId: string; connection: string; removedBytes: number }[];
  refused: { sessionId: string; reason: string }[];
}

/**
 * Removes the content of recordings older than their connection's retention, keeping what proves the session
 * happened and was sealed (PurgedRecording): header, chunk headers with their chain hashes, and the signed seal.
 * Each purge is audited before anything is deleted (`recording.purged`: rule, hashes, bytes removed, the
 * skeleton's SHA-256) — if the audit log cannot be written, nothing is removed. A recording that does not
 * verify is not purged (`recording.purge_refused`): erasing it would erase the evidence of tampering.
 * Search text in the store (commands) is not touched: the store has no deletion API yet.
 */
export async function purgeExpiredRecordings(opts: PurgeOptions): Promise<PurgeReport> {
  const report: PurgeReport = { purged: [], refused: [] };
  const now = (opts.now ?? (() => new Date()))();
  for (const [connection, retention] of Object.entries(opts.retention)) {
    const until = new Date(now.getTime() - parseRetention(retention)).toISOString();
    for (let cursor: string | undefined; ; ) {
      const page = opts.store.listSessions({ connection, until, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const session of page.sessions) {
        if (session.status === 'live' || !session.endedAt || session.endedAt >= until || !existsSync(session.recording))
          continue;
        const outcome = await purgeRecording(session, `connection ${connection} retention ${retention}`, now, opts);
        if ('reason' in outcome) report.refused.push({ sessionId: session.id, reason: outcome.reason });
        else report.purged.push({ sessionId: session.id, connection, removedBytes: outcome.removedBytes });
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  }
  return report;
}

async function purgeRecording(
  session: Session,
  rule: string,
  now: Date,
  opts: PurgeOptions,
): Promise<{ removedBytes: number } | { reason: string }> {
  const source = await openFileByteSource(session.recording);
  let purged: PurgedRecording;
  let finalHash: string;
  try {
    const verified = await verifyRecording(source, {
      decompressor: createZstdDecompressor(),
      sha256: nodeSha256,
      ...(opts.publicKey ? { publicKey: opts.publicKey } : {}),
    });
    if (!verified.ok) {
      const reason = `recording does not verify: ${verified.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.name}: ${c.detail}`)
        .join('; ')}`;
      if (!opts.dryRun)
        opts.store.appendAudit({
          type: 'recording.purge_refused',
          actor: 'system',
          sessionId: session.id,
          connection: session.connection,
          data: { rule, reason },
        });
      opts.logger.error('recording not purged: it does not verify', { session: session.id, reason });
      return { reason };
    }
    finalHash = verified.finalHash;
    purged = { format: PURGED_FORMAT, purgedAt: now.toISOString(), rule, ...(await purgedSkeleton(source)) };
  } finally {
    await source.close();
  }
  if (opts.dryRun) return { removedBytes: purged.removedBytes };
  const text = `${JSON.stringify(purged, null, 2)}\n`;
  const target = purgedPath(session.recording);
  opts.store.appendAudit({
    type: 'recording.purged',
    actor: 'system',
    sessionId: session.id,
    connection: session.connection,
    data: {
      rule,
      endedAt: session.endedAt,
      finalHash,
      chunks: purged.chunks.length,
      removedBytes: purged.removedBytes,
      kept: target.slice(target.lastIndexOf('/') + 1),
      keptSha256: createHash('sha256').update(text).digest('hex'),
    },
  });
  await writeDurably(target, text);
  await unlink(session.recording);
  opts.logger.info('recording content purged', { session: session.id, rule, removedBytes: purged.removedBytes });
  return { removedBytes: purged.removedBytes };
}

async function writeDurably(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}
