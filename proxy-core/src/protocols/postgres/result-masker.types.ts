import type { PgFrame } from './codec';

/**
 * The masking step for PostgreSQL, as the session sees it: it may refuse a statement before it runs,
 * learns what each forwarded message will be answered with, and sees every backend message before
 * the client does, returning the bytes to send (the same view when nothing changed).
 */
export interface ResultMasker {
  /** The Query / Parse names a relation or column the masker's catalog lacks: read it again (`readCatalogAgain`) first. */
  wantsFresherCatalog(frame: PgFrame): boolean;
  readCatalogAgain(frame: PgFrame): Promise<void>;
  /** A reason to refuse this Query / Parse (e.g. a masked column in a WHERE clause), or undefined. */
  inspect(frame: PgFrame): string | undefined;
  /** The message was sent to the upstream. */
  forwarded(frame: PgFrame): void;
  filter(frame: PgFrame, messageIndex: number): Uint8Array;
  /** Records the mask annotations of the messages just sent in recording frame `frame`. */
  flushAnnotations(frame: number): void;
}
