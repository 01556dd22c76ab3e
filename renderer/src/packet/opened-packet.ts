import {
  byteSourceFromBytes,
  type EvidenceManifest,
  fingerprint,
  openRecording,
  openZip,
  type PacketSession,
  type PacketVerification,
  publicKeyFromPem,
  type Recording,
  verifyEvidencePacket,
  type ZipArchive,
} from '@vigil/recordings';
import { blobByteSource } from './blob-byte-source';

export interface VerifyProgress {
  path: string;
  done: number;
  total: number;
}

/** An evidence packet opened in the browser: verified once, its recordings opened on demand. */
export interface OpenedPacket {
  /** The file's name, as the user picked or dropped it. */
  name: string;
  size: number;
  verification: PacketVerification;
  /** The PEM the user pinned; the signature was checked against it instead of the packet's own key. */
  trustedKeyPem: string | null;
  manifest: EvidenceManifest | undefined;
  session(id: string): PacketSession | undefined;
  /** The session's `recording.vrec`, read in place from the zip (stored entries are not copied). */
  recording(id: string): Promise<Recording>;
}

export interface OpenPacketOptions {
  trustedKeyPem?: string | null;
  onProgress?: (progress: VerifyProgress) => void;
}

/** The public key of a pasted PEM, or why it is not one. */
export function parseTrustedKey(pem: string): { key: Uint8Array; fingerprint: string } | { error: string } {
  try {
    const key = publicKeyFromPem(pem.trim());
    return { key, fingerprint: fingerprint(key) };
  } catch (error) {
    return {
      error: `not an Ed25519 public key in PEM form: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * Verifies a packet in the browser (`verifyEvidencePacket`: signature, every file's SHA-256, extra and
 * missing files, each recording's chain and seal, the audit range) and keeps it open for replay. Never throws
 * for a bad packet: the verification says what is wrong, and what can still be read can still be replayed.
 */
export async function openPacket(file: Blob, name: string, options: OpenPacketOptions = {}): Promise<OpenedPacket> {
  const source = blobByteSource(file);
  const pem = options.trustedKeyPem?.trim() || null;
  const trusted = pem ? parseTrustedKey(pem) : null;
  if (trusted && 'error' in trusted) throw new Error(`Trusted key: ${trusted.error}`);
  const verification = await verifyEvidencePacket(source, {
    ...(trusted ? { trustedKey: trusted.key } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const manifest = verification.manifest;
  let zip: Promise<ZipArchive> | null = null;
  const recordings = new Map<string, Promise<Recording>>();
  const session = (id: string) => manifest?.sessions.find((s) => s.id === id);

  const openSessionRecording = async (id: string): Promise<Recording> => {
    const entry = session(id);
    if (!entry) throw new Error(`the packet has no session ${id}`);
    zip ??= openZip(source);
    const archive = await zip;
    const file = archive.get(entry.recording);
    if (!file) throw new Error(`${entry.recording} is missing from the packet`);
    const bytes = (await archive.source(file)) ?? byteSourceFromBytes(await archive.bytes(file));
    return openRecording(bytes);
  };

  return {
    name,
    size: file.size,
    verification,
    trustedKeyPem: pem,
    manifest,
    session,
    recording(id) {
      let opened = recordings.get(id);
      if (!opened) {
        opened = openSessionRecording(id);
        // A failure is not remembered: the next attempt tries again.
        opened.catch(() => recordings.delete(id));
        recordings.set(id, opened);
      }
      return opened;
    },
  };
}
