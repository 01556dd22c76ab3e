import type { DataRowIndex } from './backend-parser';
import { BufferWriter } from './buffer-writer';
import type { ByteSlab } from './byte-slab';
import { AuthCode, BackendCode } from './message-codes';
import type { FieldDescription } from './messages.types';

/**
 * Messages the gateway sends to an agent, acting as its PostgreSQL server.
 * ErrorResponse and NoticeResponse come from `PgError` / `pgNotice`.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

export function serializeAuthenticationOk(): Uint8Array {
  return new BufferWriter(4).addInt32(AuthCode.Ok).flush(BackendCode.Authentication);
}

export function serializeAuthenticationCleartextPassword(): Uint8Array {
  return new BufferWriter(4).addInt32(AuthCode.CleartextPassword).flush(BackendCode.Authentication);
}

export function serializeParameterStatus(name: string, value: string): Uint8Array {
  return new BufferWriter(name.length + value.length + 2)
    .addCString(name)
    .addCString(value)
    .flush(BackendCode.ParameterStatus);
}

export function serializeBackendKeyData(pid: number, secret: number): Uint8Array {
  return new BufferWriter(8).addInt32(pid).addInt32(secret).flush(BackendCode.BackendKeyData);
}

/** `status`: a `TransactionStatus` byte, or its letter ('I' idle, 'T' in a transaction, 'E' failed transaction). */
export function serializeReadyForQuery(status: number | 'I' | 'T' | 'E'): Uint8Array {
  const byte = typeof status === 'number' ? status : status.charCodeAt(0);
  return new BufferWriter(1).addByte(byte).flush(BackendCode.ReadyForQuery);
}

export function serializeRowDescription(fields: readonly FieldDescription[]): Uint8Array {
  const writer = new BufferWriter(2 + fields.length * 32).addInt16(fields.length);
  for (const f of fields) {
    writer.addCString(f.name).addInt32(f.tableOid).addInt16(f.attnum).addInt32(f.typeOid);
    writer.addInt16(f.typeSize).addInt32(f.typeMod).addInt16(f.format);
  }
  return writer.flush(BackendCode.RowDescription);
}

/**
 * DataRow from column values (null = SQL NULL), e.g. after masking changed some of them. Sized
 * first, then written into a single allocation: this runs once per row of every masked result.
 * With a session's `ByteSlab` that allocation is a view of a shared buffer (several times faster).
 */
export function serializeDataRow(values: readonly (Uint8Array | null)[], slab?: ByteSlab): Uint8Array {
  const count = values.length;
  let size = 7 + 4 * count;
  for (let i = 0; i < count; i++) size += values[i]?.length ?? 0;
  const out = allocDataRow(size, slab);
  out[5] = count >>> 8;
  out[6] = count & 0xff;
  let o = 7;
  for (let i = 0; i < count; i++) {
    const value = values[i];
    putInt32(out, o, value == null ? -1 : value.length);
    if (value != null) out.set(value, o + 4);
    o += 4 + (value?.length ?? 0);
  }
  return out;
}

/** A DataRow of `size` bytes with its type and length written. */
function allocDataRow(size: number, slab: ByteSlab | undefined): Uint8Array {
  const out = slab ? slab.alloc(size) : new Uint8Array(size);
  out[0] = BackendCode.DataRow;
  putInt32(out, 1, size - 1);
  return out;
}

function putInt32(out: Uint8Array, o: number, v: number): void {
  out[o] = v >>> 24;
  out[o + 1] = (v >>> 16) & 0xff;
  out[o + 2] = (v >>> 8) & 0xff;
  out[o + 3] = v & 0xff;
}

/**
 * A DataRow like the one `index` describes, with `replaced[i]` instead of value i where it is not undefined (null
 * writes SQL NULL). The runs of kept values between replacements are copied whole, length words included.
 */
export function rewriteDataRow(
  payload: Uint8Array,
  index: DataRowIndex,
  replaced: ReadonlyArray<Uint8Array | null | undefined>,
  slab?: ByteSlab,
): Uint8Array {
  const { count, starts, lengths } = index;
  let size = 5 + payload.length;
  for (let i = 0; i < count && i < replaced.length; i++) {
    const r = replaced[i];
    if (r !== undefined) size += (r === null ? 0 : r.length) - Math.max(lengths[i] as number, 0);
  }
  const out = allocDataRow(size, slab);
  let o = 5;
  let from = 0;
  for (let i = 0; i < count && i < replaced.length; i++) {
    const r = replaced[i];
    if (r === undefined) continue;
    const start = starts[i] as number;
    o = copyBytes(payload, from, start - 4, out, o);
    putInt32(out, o, r === null ? -1 : r.length);
    o += 4;
    if (r !== null) o = copyBytes(r, 0, r.length, out, o);
    from = start + Math.max(lengths[i] as number, 0);
  }
  copyBytes(payload, from, payload.length, out, o);
  return out;
}

/** Copies `src[from, to)` to `dst` at `at`; returns the end. Short runs by hand: a view per copy costs more. */
function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): number {
  const n = to - from;
  if (n < 48) {
    for (let k = 0; k < n; k++) dst[at + k] = src[from + k] as number;
  } else {
    dst.set(src.subarray(from, to), at);
  }
  return at + n;
}

export function serializeCommandComplete(tag: string): Uint8Array {
  return new BufferWriter(tag.length + 1).addCString(tag).flush(BackendCode.CommandComplete);
}

export function serializeEmptyQueryResponse(): Uint8Array {
  return new BufferWriter(0).flush(BackendCode.EmptyQueryResponse);
}

/**
 * NegotiateProtocolVersion: the answer to a client asking for a newer 3.x minor or for `_pq_.`
 * options; the gateway speaks 3.0 to agents.
 */
export function serializeNegotiateProtocolVersion(
  newestMinor: number,
  unrecognized: readonly string[] = [],
): Uint8Array {
  const writer = new BufferWriter(8 + unrecognized.length * 16).addInt32(newestMinor).addInt32(unrecognized.length);
  for (const option of unrecognized) writer.addCString(option);
  return writer.flush(BackendCode.NegotiateProtocolVersion);
}

/** CopyData: the same message in both directions ('d'), e.g. a masked COPY TO STDOUT row. */
export function serializeCopyData(data: Uint8Array): Uint8Array {
  return new BufferWriter(data.length).addBytes(data).flush(BackendCode.CopyData);
}
