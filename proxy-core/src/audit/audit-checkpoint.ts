import { canonicalJson, fromHex, toHex, verifyEd25519 } from '@vigil/recordings';
import type { Logger } from '../logger';
import { nodeSignEd25519 } from '../recording/node-ed25519';
import type { SigningKey } from '../recording/signing-key';
import type { Store } from '../store/store.types';
import type { AuditEvent } from './audit.types';

/** `data` of an `audit.checkpoint` event: the chain head at `at`, signed with the gateway key. */
export interface AuditCheckpointData {
  seq: number;
  hash: string;
  at: string;
  keyFingerprint: string;
  /** Ed25519 public key, hex: lets a reader check the signature, and pin the key by its fingerprint. */
  publicKey: string;
  /** Ed25519 over checkpointMessage(seq, hash, at), hex. */
  signature: string;
}

export const CHECKPOINT_EVENT = 'audit.checkpoint';
const CONTEXT = 'vigil.audit.checkpoint.v1';

/**
 * What a checkpoint signs: a context string (so the signature means nothing elsewhere the key signs), a zero
 * byte, then the canonical JSON of `{ at, hash, seq }`.
 */
export function checkpointMessage(seq: number, hash: string, at: string): Uint8Array {
  return new TextEncoder().encode(`${CONTEXT}\0${canonicalJson({ seq, hash, at })}`);
}

/**
 * Signs the chain head and appends it as an `audit.checkpoint` event. A checkpoint lets anyone holding the
 * gateway's public key prove later that the log up to `seq` was exactly this, even if the whole database
 * (and so the chain) were rewritten afterwards. Returns undefined when the log is empty.
 */
export function writeAuditCheckpoint(store: Store, key: SigningKey, now = new Date()): AuditEvent | undefined {
  const head = store.auditHead();
  if (head.seq === 0) return undefined;
  const at = now.toISOString();
  const data: AuditCheckpointData = {
    seq: head.seq,
    hash: head.hash,
    at,
    keyFingerprint: key.fingerprint,
    publicKey: toHex(key.publicKey),
    signature: toHex(nodeSignEd25519(checkpointMessage(head.seq, head.hash, at), key.privateKey)),
  };
  return store.appendAudit({ type: CHECKPOINT_EVENT, actor: 'system', data, time: at });
}

/** Why a checkpoint event's signature is bad (or made with a key other than `trusted`), or undefined. */
export function checkpointProblem(event: AuditEvent, trusted?: Uint8Array): string | undefined {
  const d = event.data as Partial<AuditCheckpointData> | null;
  if (
    !d ||
    typeof d.seq !== 'number' ||
    typeof d.hash !== 'string' ||
    typeof d.at !== 'string' ||
    typeof d.signature !== 'string' ||
    typeof d.publicKey !== 'string'
  ) {
    return 'checkpoint data is incomplete';
  }
  let key: Uint8Array;
  let signature: Uint8Array;
  try {
    key = fromHex(d.publicKey);
    signature = fromHex(d.signature);
  } catch {
    return 'checkpoint key or signature is not hex';
  }
  if (trusted && toHex(trusted) !== d.publicKey)
    return `checkpoint signed by ${d.keyFingerprint ?? 'another key'}, not the trusted key`;
  if (!verifyEd25519(signature, checkpointMessage(d.seq, d.hash, d.at), key)) return 'checkpoint signature invalid';
  return undefined;
}

export interface AuditCheckpointerOptions {
  store: Store;
  signingKey: SigningKey;
  logger: Logger;
  /** A checkpoint once this many events were appended since the last one. Default 1000. */
  everyEvents?: number;
  /** …or once this much time passed and there are new events. Default 15 minutes. */
  everyMs?: number;
  /** How often `start()` looks. Default 10 s. */
  pollMs?: number;
  now?: () => Date;
}

/**
 * Periodic signed checkpoints, for the composition root to schedule: `start()` checks every `pollMs`, or call
 * `maybeCheckpoint()` yourself (e.g. after a burst of appends). A failure is logged and retried next time.
 */
export class AuditCheckpointer {
  private lastSeq: number;
  private lastAt: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly now: () => Date;

  constructor(private readonly opts: AuditCheckpointerOptions) {
    this.now = opts.now ?? (() => new Date());
    const last = latestCheckpoint(opts.store);
    this.lastSeq = last?.seq ?? 0;
    this.lastAt = last ? Date.parse(last.time) : this.now().getTime();
  }

  /** Writes a checkpoint if one is due; returns it. */
  maybeCheckpoint(): AuditEvent | undefined {
    const head = this.opts.store.auditHead();
    const fresh = head.seq - this.lastSeq;
    if (fresh <= 0) return undefined;
    const elapsed = this.now().getTime() - this.lastAt;
    if (fresh < (this.opts.everyEvents ?? 1000) && elapsed < (this.opts.everyMs ?? 15 * 60_000)) return undefined;
    try {
      const event = writeAuditCheckpoint(this.opts.store, this.opts.signingKey, this.now());
      if (event) {
        this.lastSeq = event.seq;
        this.lastAt = Date.parse(event.time);
      }
      return event;
    } catch (err) {
      this.opts.logger.error('could not write an audit checkpoint', { err });
      return undefined;
    }
  }

  start(): void {
    this.timer ??= setInterval(() => this.maybeCheckpoint(), this.opts.pollMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The last checkpoint event, found by paging through checkpoints only. */
function latestCheckpoint(store: Store): AuditEvent | undefined {
  let last: AuditEvent | undefined;
  for (let after = 0; ; ) {
    const page = store.listAudit({ type: CHECKPOINT_EVENT, afterSeq: after, limit: 10_000 });
    if (page.length === 0) return last;
    last = page.at(-1);
    after = last?.seq ?? after;
  }
}
