import type { PacketSession, RecordingHeader } from '@vigil/recordings';
import type { Protocol, Session, SessionStatus } from '../api/api.types';

const STATUSES: readonly string[] = ['live', 'ended', 'interrupted', 'failed'];

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * A packet's session as the replay view's Session: the signed manifest's entry (counts, seal) completed
 * from the recording's own header (client address, upstream, groups). A packet is never live.
 */
export function sessionFromPacket(entry: PacketSession, header: RecordingHeader | undefined): Session {
  const status = STATUSES.includes(entry.status) && entry.status !== 'live' ? entry.status : 'ended';
  const groups = Array.isArray(header?.groups) ? header.groups.filter((g): g is string => typeof g === 'string') : [];
  return {
    id: entry.id,
    // Shown as recorded; the replay picks the terminal for 'ssh' and the console for the rest.
    protocol: entry.protocol as Protocol,
    connection: entry.connection,
    principal: entry.principal,
    groups,
    clientAddr: text(header?.clientAddr) ?? '—',
    upstream: text(header?.upstream) ?? '—',
    startedAt: entry.startedAt,
    endedAt: entry.endedAt ?? entry.seal.endedAt ?? null,
    status: status as SessionStatus,
    endReason: entry.seal.reason || null,
    bytesIn: entry.seal.bytesClient,
    bytesOut: entry.seal.bytesServer,
    frames: entry.seal.frames,
    commands: entry.commands,
    denials: entry.denials,
    approvals: entry.approvals,
    masked: entry.masked,
    finalHash: entry.finalHash,
  };
}
