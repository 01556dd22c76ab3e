import { StoreError } from './store-error';

/** Position after the last session of a page, in (startedAt, id) descending order. */
export interface SessionCursor {
  startedAt: string;
  id: string;
}

/** Opaque to clients: base64url of JSON, so the key can change without changing the API. */
export function encodeSessionCursor(cursor: SessionCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeSessionCursor(text: string): SessionCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
    throw new StoreError('bad_cursor', 'cursor is not one this store issued');
  }
  return { startedAt: value[0], id: value[1] };
}
