/**
 * How masking treats a value by its PostgreSQL type, so a masked result still decodes in the client's driver:
 * a masked text is any string, a masked json must stay JSON, an integer or timestamp cannot hold `****` at all.
 * OIDs are the fixed ones of pg_type.dat.
 * @see https://github.com/postgres/postgres/blob/master/src/include/catalog/pg_type.dat
 */

const TEXT_LIKE = new Set([0, 18, 19, 25, 114, 142, 705, 1042, 1043]);
const JSON_TYPES = new Set([114, 3802]);
const TEXT_ARRAYS = new Set([199, 1002, 1003, 1009, 1014, 1015, 3807]);
const JSON_ARRAYS = new Set([199, 3807]);
const BYTEA = 17;
const RECORD = 2249;

/** Types whose text form can carry a number long enough to be a card: a detector hit makes the value NULL. */
const NUMERIC = new Set([20, 1700]);

/**
 * Types whose text form cannot hold the PII detectors look for (booleans, small integers, floats, dates and times,
 * UUIDs, network addresses, bit strings, OID aliases, LSNs, bytea's hex): detectors skip them, and a masked value
 * of such a type becomes NULL.
 */
const NO_TEXT = new Set([
  16, 17, 21, 23, 24, 26, 27, 28, 29, 650, 700, 701, 774, 790, 829, 869, 1082, 1083, 1114, 1184, 1186, 1266, 1560, 1562,
  2202, 2203, 2204, 2205, 2206, 2950, 3220, 3734, 3769, 3904, 3906, 3908, 3910, 3912, 3926, 4089, 4096, 5069,
]);

export type ScanMode = 'text' | 'json' | 'null-on-hit' | 'skip';

/** How detectors apply to a column of this type in this format (0 text, 1 binary). */
export function scanModeOf(typeOid: number, format: number): ScanMode {
  if (format === 1) return TEXT_LIKE.has(typeOid) && !JSON_TYPES.has(typeOid) ? 'text' : 'skip';
  if (JSON_TYPES.has(typeOid)) return 'json';
  if (NUMERIC.has(typeOid)) return 'null-on-hit';
  if (NO_TEXT.has(typeOid)) return 'skip';
  return 'text'; // text, arrays, records, enums, domains, citext and other types we do not know
}

function quoteElement(s: string): string {
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Whether `renderMasked` gives a masked value of this type back unchanged (text, enums, domains, unknown types). */
export function rendersAsIs(typeOid: number): boolean {
  return !(
    JSON_TYPES.has(typeOid) ||
    TEXT_ARRAYS.has(typeOid) ||
    typeOid === RECORD ||
    typeOid === BYTEA ||
    NO_TEXT.has(typeOid) ||
    NUMERIC.has(typeOid)
  );
}

/** The text-format value that replaces a whole masked value of type `typeOid`, or null (SQL NULL). */
export function renderMasked(masked: string, typeOid: number): string | null {
  if (rendersAsIs(typeOid)) return masked;
  if (JSON_TYPES.has(typeOid)) return JSON.stringify(masked);
  if (TEXT_ARRAYS.has(typeOid)) return `{${quoteElement(JSON_ARRAYS.has(typeOid) ? JSON.stringify(masked) : masked)}}`;
  if (typeOid === RECORD) return `(${quoteElement(masked)})`;
  if (typeOid === BYTEA) return `\\x${Buffer.from(masked, 'utf8').toString('hex')}`;
  return null; // a type that cannot hold a mask (NO_TEXT, NUMERIC)
}
