import type { PgFrame } from './codec';

/**
 * The masking step for PostgreSQL results: sees every backend message before the client does and
 * returns the bytes to send (the same view when nothing changed, or a re-encoded message).
 */
export interface ResultMasker {
  filter(frame: PgFrame): Uint8Array;
}
