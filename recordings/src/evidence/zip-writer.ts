import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, viewOf, writeU64 } from '../bytes';
import {
  type Crc32Update,
  crc32Update,
  type DeflateTransform,
  dosDateTime,
  type HashFactory,
  platformDeflate,
  ZIP,
  type ZipMethod,
} from './zip-format';
import { checkEntryPath } from './zip-paths';

export interface ZipEntryInput {
  path: string;
  /** `store` for data that is already compressed (recordings), `deflate` for text. */
  method: ZipMethod;
  /**
   * The entry's bytes, or a stream of them (written as they come, sizes in a data descriptor). Streamed
   * chunks are handed to the sink as they are, so the producer must not reuse their buffers.
   */
  content: Uint8Array | AsyncIterable<Uint8Array>;
  /** The data may pass 4 GiB: streamed entries must say so up front (ZIP64 sizes in the descriptor). */
  zip64?: boolean;
}

/** What was written for an entry; `sha256` and `size` are of the uncompressed content. */
export interface ZipEntryWritten {
  path: string;
  method: ZipMethod;
  size: number;
  compressedSize: number;
  crc32: number;
  sha256: string;
  /** Offset of the entry's local header in the archive. */
  offset: number;
}

export interface ZipWriterOptions {
  /** Raw deflate; default `CompressionStream('deflate-raw')`. Node passes zlib. */
  deflate?: DeflateTransform;
  crc32?: Crc32Update;
  /** SHA-256 factory; default `@noble/hashes`. Node passes node:crypto (much faster). */
  hash?: HashFactory;
  /** Modification time of every entry; default now. */
  modified?: Date;
}

/** Receives the archive's bytes in order; return a promise to apply backpressure. */
export type ZipSink = (bytes: Uint8Array) => void | Promise<void>;

interface CentralRecord extends ZipEntryWritten {
  flags: number;
  zip64Local: boolean;
}

const encoder = new TextEncoder();

/**
 * Writes a ZIP archive front to back, never seeking: entries can be streamed of unknown length (memory
 * stays flat however large a recording is), and each entry's SHA-256 is computed as it is written.
 */
export class ZipWriter {
  private offset = 0;
  private readonly central: CentralRecord[] = [];
  private readonly names = new Set<string>();
  private finished = false;
  private readonly time: { time: number; date: number };

  constructor(
    private readonly sink: ZipSink,
    private readonly opts: ZipWriterOptions = {},
  ) {
    this.time = dosDateTime(opts.modified ?? new Date());
  }

  /** Bytes handed to the sink so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  async add(entry: ZipEntryInput): Promise<ZipEntryWritten> {
    if (this.finished) throw new Error('zip already finished');
    const problem = checkEntryPath(entry.path);
    if (problem) throw new TypeError(`zip entry "${entry.path}": ${problem}`);
    if (this.names.has(entry.path)) throw new TypeError(`zip entry "${entry.path}" added twice`);
    this.names.add(entry.path);
    const record =
      entry.content instanceof Uint8Array
        ? await this.addBytes(entry.path, entry.method, entry.content)
        : await this.addStream(entry.path, entry.method, entry.content, entry.zip64 === true);
    this.central.push(record);
    const { flags: _f, zip64Local: _z, ...written } = record;
    return written;
  }

  /** Writes the central directory and the end records; returns the archive's total size. */
  async finish(): Promise<number> {
    if (this.finished) throw new Error('zip already finished');
    this.finished = true;
    const cdOffset = this.offset;
    for (const r of this.central) await this.write(centralHeader(r, this.time));
    const cdSize = this.offset - cdOffset;
    const count = this.central.length;
    if (count >= ZIP.max16 || cdOffset >= ZIP.max32 || cdSize >= ZIP.max32) {
      const zip64End = this.offset;
      await this.write(zip64EndRecord(count, cdSize, cdOffset));
      await this.write(zip64Locator(zip64End));
    }
    await this.write(endRecord(count, cdSize, cdOffset));
    return this.offset;
  }

  private async addBytes(path: string, method: ZipMethod, data: Uint8Array): Promise<CentralRecord> {
    const offset = this.offset;
    const crc = (this.opts.crc32 ?? crc32Update)(data, 0);
    const hash = this.hasher();
    hash.update(data);
    const body = method === 'deflate' ? await collect(this.deflater()(once(data))) : [data];
    const compressedSize = body.reduce((n, b) => n + b.length, 0);
    const zip64Local = data.length >= ZIP.max32 || compressedSize >= ZIP.max32;
    const record: CentralRecord = {
      ...{ path, method, size: data.length, compressedSize, crc32: crc, sha256: toHex(hash.digest()), offset },
      ...{ flags: ZIP.flagUtf8, zip64Local },
    };
    await this.write(localHeader(record, this.time, false));
    for (const b of body) await this.write(b);
    return record;
  }

  private async addStream(
    path: string,
    method: ZipMethod,
    source: AsyncIterable<Uint8Array>,
    zip64: boolean,
  ): Promise<CentralRecord> {
    const offset = this.offset;
    const record: CentralRecord = {
      ...{ path, method, size: 0, compressedSize: 0, crc32: 0, sha256: '', offset },
      ...{ flags: ZIP.flagUtf8 | ZIP.flagDataDescriptor, zip64Local: zip64 },
    };
    await this.write(localHeader(record, this.time, true));
    const crc32 = this.opts.crc32 ?? crc32Update;
    const hash = this.hasher();
    const counted = async function* () {
      for await (const chunk of coalesce(source, BATCH)) {
        if (chunk.length === 0) continue;
        record.size += chunk.length;
        record.crc32 = crc32(chunk, record.crc32);
        hash.update(chunk);
        yield chunk;
      }
    };
    const out = method === 'deflate' ? this.deflater()(counted()) : counted();
    for await (const chunk of out) {
      record.compressedSize += chunk.length;
      await this.write(chunk);
    }
    record.sha256 = toHex(hash.digest());
    if (!zip64 && (record.size >= ZIP.max32 || record.compressedSize >= ZIP.max32)) {
      throw new RangeError(`zip entry "${path}" passed 4 GiB but was not declared zip64`);
    }
    await this.write(dataDescriptor(record, zip64));
    return record;
  }

  private hasher() {
    return (this.opts.hash ?? (() => sha256.create()))();
  }

  private deflater(): DeflateTransform {
    const deflate = this.opts.deflate ?? platformDeflate();
    if (!deflate) throw new Error('no deflate available: pass ZipWriterOptions.deflate');
    return deflate;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    this.offset += bytes.length;
    await this.sink(bytes);
  }
}

/** Streamed content is handed on in pieces of about this size: tiny pieces (capture packets) cost per call. */
const BATCH = 256 * 1024;

/** Joins small chunks into pieces of up to `size` bytes; large chunks pass through without a copy. */
async function* coalesce(source: AsyncIterable<Uint8Array>, size: number): AsyncIterable<Uint8Array> {
  let buf = new Uint8Array(size);
  let used = 0;
  for await (const chunk of source) {
    if (used > 0 && (chunk.length >= size / 2 || used + chunk.length > size)) {
      yield buf.subarray(0, used);
      buf = new Uint8Array(size);
      used = 0;
    }
    if (chunk.length >= size / 2) yield chunk;
    else {
      buf.set(chunk, used);
      used += chunk.length;
    }
  }
  if (used > 0) yield buf.subarray(0, used);
}

async function* once(data: Uint8Array): AsyncIterable<Uint8Array> {
  yield data;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

const methodCode = (m: ZipMethod) => (m === 'deflate' ? ZIP.methodDeflate : ZIP.methodStore);

/** APPNOTE 4.3.7. A streamed entry has zero CRC and sizes here (bit 3); ZIP64 ones carry a zeroed extra field. */
function localHeader(r: CentralRecord, t: { time: number; date: number }, streamed: boolean): Uint8Array {
  const name = encoder.encode(r.path);
  const extraSize = r.zip64Local ? 20 : 0;
  const out = new Uint8Array(ZIP.localHeaderSize + name.length + extraSize);
  const v = viewOf(out);
  v.setUint32(0, ZIP.localHeader, true);
  v.setUint16(4, r.zip64Local ? ZIP.version45 : ZIP.version20, true);
  v.setUint16(6, r.flags, true);
  v.setUint16(8, methodCode(r.method), true);
  v.setUint16(10, t.time, true);
  v.setUint16(12, t.date, true);
  v.setUint32(14, streamed ? 0 : r.crc32, true);
  v.setUint32(18, r.zip64Local ? ZIP.max32 : streamed ? 0 : r.compressedSize, true);
  v.setUint32(22, r.zip64Local ? ZIP.max32 : streamed ? 0 : r.size, true);
  v.setUint16(26, name.length, true);
  v.setUint16(28, extraSize, true);
  out.set(name, ZIP.localHeaderSize);
  if (r.zip64Local) {
    const e = ZIP.localHeaderSize + name.length;
    v.setUint16(e, ZIP.zip64ExtraTag, true);
    v.setUint16(e + 2, 16, true);
    writeU64(v, e + 4, streamed ? 0 : r.size);
    writeU64(v, e + 12, streamed ? 0 : r.compressedSize);
  }
  return out;
}

/** APPNOTE 4.3.9: signature, CRC, then 4- or 8-byte (ZIP64) sizes. */
function dataDescriptor(r: CentralRecord, zip64: boolean): Uint8Array {
  const out = new Uint8Array(zip64 ? 24 : 16);
  const v = viewOf(out);
  v.setUint32(0, ZIP.dataDescriptor, true);
  v.setUint32(4, r.crc32, true);
  if (zip64) {
    writeU64(v, 8, r.compressedSize);
    writeU64(v, 16, r.size);
  } else {
    v.setUint32(8, r.compressedSize, true);
    v.setUint32(12, r.size, true);
  }
  return out;
}

/** APPNOTE 4.3.12, with a ZIP64 extra field holding exactly the values that do not fit (4.5.3). */
function centralHeader(r: CentralRecord, t: { time: number; date: number }): Uint8Array {
  const name = encoder.encode(r.path);
  const big = [r.size >= ZIP.max32, r.compressedSize >= ZIP.max32, r.offset >= ZIP.max32];
  const values = [r.size, r.compressedSize, r.offset].filter((_, i) => big[i]);
  const extraSize = values.length > 0 ? 4 + 8 * values.length : 0;
  const out = new Uint8Array(ZIP.centralHeaderSize + name.length + extraSize);
  const v = viewOf(out);
  v.setUint32(0, ZIP.centralHeader, true);
  v.setUint16(4, ZIP.madeByUnix | ZIP.version45, true);
  v.setUint16(6, r.zip64Local || extraSize > 0 ? ZIP.version45 : ZIP.version20, true);
  v.setUint16(8, r.flags, true);
  v.setUint16(10, methodCode(r.method), true);
  v.setUint16(12, t.time, true);
  v.setUint16(14, t.date, true);
  v.setUint32(16, r.crc32, true);
  v.setUint32(20, big[1] ? ZIP.max32 : r.compressedSize, true);
  v.setUint32(24, big[0] ? ZIP.max32 : r.size, true);
  v.setUint16(28, name.length, true);
  v.setUint16(30, extraSize, true);
  // comment length, disk number start, internal attributes: 0
  v.setUint32(38, (0o100644 << 16) >>> 0, true);
  v.setUint32(42, big[2] ? ZIP.max32 : r.offset, true);
  out.set(name, ZIP.centralHeaderSize);
  if (extraSize > 0) {
    const e = ZIP.centralHeaderSize + name.length;
    v.setUint16(e, ZIP.zip64ExtraTag, true);
    v.setUint16(e + 2, extraSize - 4, true);
    for (const [i, value] of values.entries()) writeU64(v, e + 4 + 8 * i, value);
  }
  return out;
}

function zip64EndRecord(count: number, cdSize: number, cdOffset: number): Uint8Array {
  const out = new Uint8Array(ZIP.zip64EndOfCentralDirSize);
  const v = viewOf(out);
  v.setUint32(0, ZIP.zip64EndOfCentralDir, true);
  writeU64(v, 4, ZIP.zip64EndOfCentralDirSize - 12);
  v.setUint16(12, ZIP.madeByUnix | ZIP.version45, true);
  v.setUint16(14, ZIP.version45, true);
  // this disk, disk with the central directory: 0
  writeU64(v, 24, count);
  writeU64(v, 32, count);
  writeU64(v, 40, cdSize);
  writeU64(v, 48, cdOffset);
  return out;
}

function zip64Locator(zip64EndOffset: number): Uint8Array {
  const out = new Uint8Array(ZIP.zip64LocatorSize);
  const v = viewOf(out);
  v.setUint32(0, ZIP.zip64Locator, true);
  writeU64(v, 8, zip64EndOffset);
  v.setUint32(16, 1, true);
  return out;
}

function endRecord(count: number, cdSize: number, cdOffset: number): Uint8Array {
  const out = new Uint8Array(ZIP.endOfCentralDirSize);
  const v = viewOf(out);
  v.setUint32(0, ZIP.endOfCentralDir, true);
  v.setUint16(8, Math.min(count, ZIP.max16), true);
  v.setUint16(10, Math.min(count, ZIP.max16), true);
  v.setUint32(12, Math.min(cdSize, ZIP.max32), true);
  v.setUint32(16, Math.min(cdOffset, ZIP.max32), true);
  return out;
}
