/**
 * The evidence packet: a ZIP whose `manifest.json` lists every other file with its SHA-256, and whose
 * `manifest.sig` is an Ed25519 signature over the exact bytes of `manifest.json`. See PACKET.md.
 */

/** `format` of a version-1 manifest; a verifier refuses any other value. */
export const PACKET_FORMAT = 'vigil.evidence-packet.v1';

export const PACKET_FILES = {
  manifest: 'manifest.json',
  signature: 'manifest.sig',
  publicKey: 'public-key.pem',
  report: 'report.html',
  auditEvents: 'audit/events.jsonl',
} as const;

/** Per-session files, under `sessions/<id>/`. */
export const SESSION_FILES = {
  recording: 'recording.vrec',
  session: 'session.json',
  transcript: 'transcript.txt',
  capture: 'capture.pcapng',
  terminal: 'terminal.cast',
} as const;

export const sessionFilePath = (sessionId: string, file: string) => `sessions/${sessionId}/${file}`;

export type PacketFileKind =
  | 'recording'
  | 'session'
  | 'transcript'
  | 'capture'
  | 'terminal'
  | 'audit'
  | 'report'
  | 'public-key';

export interface PacketFile {
  path: string;
  kind: PacketFileKind;
  /** Bytes of the file (uncompressed). */
  size: number;
  /** SHA-256 of the file (uncompressed), lowercase hex. */
  sha256: string;
  sessionId?: string;
}

/** The recording's seal, as read (and verified) when the packet was made. */
export interface PacketSeal {
  sealed: boolean;
  interrupted: boolean;
  reason: string;
  endedAt: string;
  headerHash: string;
  finalHash: string;
  chunks: number;
  frames: number;
  bytesClient: number;
  bytesServer: number;
  keyFingerprint: string;
  /** Ed25519 signature of the seal, hex. */
  signature: string;
}

export interface PacketSession {
  id: string;
  protocol: string;
  connection: string;
  principal: string;
  startedAt: string;
  endedAt: string | null;
  status: string;
  /** `sessions/<id>/recording.vrec`. */
  recording: string;
  /** Chain hash after the last chunk: must equal what verifying the recording computes. */
  finalHash: string;
  seal: PacketSeal;
  commands: number;
  denials: number;
  approvals: number;
  masked: number;
}

/**
 * A range of the gateway's audit hash chain. `audit/events.jsonl` holds the events of the range that concern
 * the packet's sessions (plus the export itself); runs of other events are `omitted` (listed by seq only,
 * they belong to other sessions). Verification: each included event's hash recomputes, consecutive included
 * events link (`prevHash` = previous `hash`), seq gaps occur exactly at the omitted runs, the first event's
 * prevHash is `prevHash`, and the last event is `toSeq` with hash `headHash`. Links across an omitted run
 * and the range's place in the whole log are checked against the gateway (`vigil audit verify`, or a signed
 * `audit.checkpoint`) by comparing (fromSeq − 1, prevHash) and (toSeq, headHash).
 */
export interface PacketAuditRange {
  file: string;
  fromSeq: number;
  toSeq: number;
  /** Hash of event fromSeq − 1 (the genesis hash, 64 zeros, when fromSeq is 1). */
  prevHash: string;
  /** Hash of event toSeq. */
  headHash: string;
  /** Number of lines in the file. */
  events: number;
  omitted: { fromSeq: number; toSeq: number }[];
  /** Each line: an OCSF event whose `unmapped.vigil` is the chained Vigil audit event. */
  lineFormat: 'ocsf+vigil';
}

export interface CustodyEntry {
  at: string;
  action: 'exported' | (string & {});
  /** Principal (`sub`) of whoever did it. */
  by: string;
  via: 'cli' | 'api' | (string & {});
  tool: string;
  /** The gateway key that signed the packet. */
  keyFingerprint: string;
  /** The audit event that records this step, in the packet's audit range. */
  auditSeq?: number;
  auditHash?: string;
  note?: string;
}

export interface EvidenceManifest {
  format: typeof PACKET_FORMAT;
  packetId: string;
  createdAt: string;
  creator: { principal: string; name?: string; email?: string; via: 'cli' | 'api' | (string & {}) };
  tool: { name: string; version: string };
  signing: {
    algorithm: 'Ed25519';
    fingerprint: string;
    publicKeyFile: string;
    /** What `manifest.sig` signs: the exact bytes of manifest.json, no prefix (so `openssl pkeyutl -verify` works). */
    signs: string;
  };
  sessions: PacketSession[];
  audit: PacketAuditRange;
  /** Every file of the packet except manifest.json and manifest.sig. */
  files: PacketFile[];
  custody: CustodyEntry[];
}
