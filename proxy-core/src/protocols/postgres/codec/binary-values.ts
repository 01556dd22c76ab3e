/**
 * Binary-format values of the common built-in types as PostgreSQL prints them in text format, for people to read
 * (what an approver sees of a Bind's parameters). Undefined for a type not covered here, or bytes that do not fit it.
 * OIDs are the fixed ones of pg_type.dat.
 * @see https://github.com/postgres/postgres/blob/master/src/include/catalog/pg_type.dat
 */
export function binaryValueText(typeOid: number, bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fixed = (n: number) => bytes.length === n;
  switch (typeOid) {
    case 16: // bool
      return fixed(1) ? (bytes[0] ? 't' : 'f') : undefined;
    case 17: // bytea
      return `\\x${Buffer.from(bytes).toString('hex')}`;
    case 21: // int2
      return fixed(2) ? String(view.getInt16(0)) : undefined;
    case 23: // int4
      return fixed(4) ? String(view.getInt32(0)) : undefined;
    case 20: // int8
      return fixed(8) ? String(view.getBigInt64(0)) : undefined;
    case 26: // oid
      return fixed(4) ? String(view.getUint32(0)) : undefined;
    case 700: // float4, in its shortest exact digits as PostgreSQL prints it
      return fixed(4) ? float4Text(view.getFloat32(0)) : undefined;
    case 701: // float8
      return fixed(8) ? floatText(view.getFloat64(0)) : undefined;
    case 18: // "char"
    case 19: // name
    case 25: // text
    case 114: // json
    case 705: // unknown
    case 1042: // bpchar
    case 1043: // varchar
      return Buffer.from(bytes).toString('utf8');
    case 3802: // jsonb: a version byte, then the text
      return bytes.length >= 1 && bytes[0] === 1 ? Buffer.from(bytes.subarray(1)).toString('utf8') : undefined;
    case 2950: // uuid
      return fixed(16) ? uuidText(Buffer.from(bytes).toString('hex')) : undefined;
    case 1082: // date: days since 2000-01-01
      return fixed(4) ? dateText(view.getInt32(0)) : undefined;
    case 1114: // timestamp: microseconds since 2000-01-01
      return fixed(8) ? timestampText(view.getBigInt64(0), '') : undefined;
    case 1184: // timestamptz, in UTC
      return fixed(8) ? timestampText(view.getBigInt64(0), '+00') : undefined;
    case 1700: // numeric
      return numericText(view);
    default:
      return undefined;
  }
}

const EPOCH_2000_MS = Date.UTC(2000, 0, 1);
const INT64_MAX = 0x7fffffffffffffffn;
const INT32_MAX = 0x7fffffff;

function floatText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return String(v);
}

function float4Text(v: number): string {
  if (!Number.isFinite(v)) return floatText(v);
  for (let digits = 1; digits < 9; digits++) {
    const shortest = Number(v.toPrecision(digits));
    if (Math.fround(shortest) === v) return String(shortest);
  }
  return String(Number(v.toPrecision(9)));
}

function uuidText(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function dateText(days: number): string {
  if (days === INT32_MAX) return 'infinity';
  if (days === -INT32_MAX - 1) return '-infinity';
  return new Date(EPOCH_2000_MS + days * 86_400_000).toISOString().slice(0, 10);
}

function timestampText(us: bigint, zone: string): string {
  if (us === INT64_MAX) return 'infinity';
  if (us === -INT64_MAX - 1n) return '-infinity';
  const ms = Number(us / 1000n) - (us % 1000n < 0n ? 1 : 0);
  const iso = new Date(EPOCH_2000_MS + ms).toISOString(); // 2024-01-02T03:04:05.678Z
  const micros = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const fraction = micros === 0n ? '' : `.${micros.toString().padStart(6, '0').replace(/0+$/, '')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}${zone}`;
}

/** numeric: ndigits, weight, sign, dscale, then base-10000 digits. */
function numericText(view: DataView): string | undefined {
  if (view.byteLength < 8) return undefined;
  const ndigits = view.getUint16(0);
  const weight = view.getInt16(2);
  const sign = view.getUint16(4);
  const dscale = view.getUint16(6);
  if (view.byteLength !== 8 + ndigits * 2) return undefined;
  if (sign === 0xc000) return 'NaN';
  if (sign === 0xd000) return 'Infinity';
  if (sign === 0xf000) return '-Infinity';
  if (sign !== 0 && sign !== 0x4000) return undefined;
  const digit = (i: number) => (i >= 0 && i < ndigits ? view.getUint16(8 + i * 2) : 0);
  let int = '';
  for (let i = 0; i <= weight; i++) int += i === 0 ? String(digit(i)) : String(digit(i)).padStart(4, '0');
  if (int === '') int = '0';
  let frac = '';
  for (let k = 1; frac.length < dscale; k++) frac += String(digit(weight + k)).padStart(4, '0');
  frac = frac.slice(0, dscale);
  return `${sign === 0x4000 ? '-' : ''}${int}${dscale > 0 ? `.${frac}` : ''}`;
}
