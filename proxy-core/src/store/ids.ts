// Crockford base32, as ULID uses: sortable as plain strings, no I/L/O/U. @see https://github.com/ulid/spec
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/**
 * A ULID-shaped id (26 chars): 48-bit millisecond time then 80 random bits, so ids made later sort after
 * ids made earlier as strings. Not monotonic within one millisecond; lists order by (startedAt, id), so ties
 * only need a stable order, not creation order.
 */
export function newSortableId(now: Date = new Date()): string {
  let ms = now.getTime();
  if (!Number.isInteger(ms) || ms < 0 || ms > 2 ** 48 - 1) throw new RangeError(`time out of range for an id: ${ms}`);
  let time = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    time = ALPHABET.charAt(ms % 32) + time;
    ms = Math.floor(ms / 32);
  }
  const bytes = crypto.getRandomValues(new Uint8Array(RANDOM_CHARS));
  let random = '';
  for (const b of bytes) random += ALPHABET.charAt(b & 31);
  return time + random;
}
