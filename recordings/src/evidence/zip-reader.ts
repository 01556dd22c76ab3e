import { bytesEqual, readU64, viewOf } from '../bytes';
import type { ByteSource } from '../recording.types';
import { type InflateTransform, platformInflate, ZIP } from './zip-format';
import { checkEntryPath } from './zip-paths';

/** An entry as the central directory describes it. */
export interface ZipEntry {
  path: string;
  /** Compression method code: 0 store, 8 deflate; others are refused when read. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export interface ZipArchive {
  size: number;
  /** In central directory order. */
  entries: readonly ZipEntry[];
  get(path: string): ZipEntry | undefined;
  /** Names that are unsafe or appear twice: the archive is readable but must not be trusted. */
  problems: readonly string[];
  /** The uncompressed content, streamed in chunks of about `chunkSize` bytes. */
  chunks(entry: ZipEntry, chunkSize?: number): AsyncIterable<Uint8Array>;
  bytes(entry: ZipEntry): Promise<Uint8Array>;
  /** Random access to a stored (uncompressed) entry, without copying it; undefined for compressed ones. */
  source(entry: ZipEntry): Promise<ByteSource | undefined>;
}

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const MAX_COMMENT = 0xffff;
const DEFAULT_CHUNK = 1 << 20;

/** Reads the central directory of a ZIP archive (store and deflate, ZIP64). Entries are read on demand. */
export async function openZip(source: ByteSource, opts: { inflate?: InflateTransform } = {}): Promise<ZipArchive> {
  const end = await findEnd(source);
  const cd = await source.read(end.cdOffset, end.cdSize);
  const entries = parseCentralDirectory(cd, end.count, end.cdOffset);
  const byName = new Map<string, ZipEntry>();
  const problems: string[] = [];
  for (const e of entries) {
    const bad = checkEntryPath(e.path);
    if (bad) problems.push(`entry ${JSON.stringify(e.path)}: ${bad}`);
    if (byName.has(e.path)) problems.push(`entry ${JSON.stringify(e.path)} appears more than once`);
    else byName.set(e.path, e);
  }
  const reader = new EntryReader(source, end.cdOffset, opts.inflate);
  return {
    size: source.size,
    entries,
    get: (path) => byName.get(path),
    problems,
    chunks: (entry, chunkSize = DEFAULT_CHUNK) => reader.chunks(entry, chunkSize),
    bytes: (entry) => reader.bytes(entry),
    source: (entry) => reader.storedSource(entry),
  };
}

interface EndRecord {
  count: number;
  cdSize: number;
  cdOffset: number;
}

async function findEnd(source: ByteSource): Promise<EndRecord> {
  const tailSize = Math.min(source.size, ZIP.endOfCentralDirSize + MAX_COMMENT);
  if (tailSize < ZIP.endOfCentralDirSize) throw new ZipFormatError(`not a zip archive: only ${source.size} bytes`);
  const tailStart = source.size - tailSize;
  const tail = await source.read(tailStart, tailSize);
  const v = viewOf(tail);
  for (let i = tail.length - ZIP.endOfCentralDirSize; i >= 0; i--) {
    if (v.getUint32(i, true) !== ZIP.endOfCentralDir) continue;
    if (i + ZIP.endOfCentralDirSize + v.getUint16(i + 20, true) !== tail.length) continue;
    const record = {
      count: v.getUint16(i + 10, true),
      cdSize: v.getUint32(i + 12, true),
      cdOffset: v.getUint32(i + 16, true),
    };
    const eocdOffset = tailStart + i;
    const zip64 = record.count === ZIP.max16 || record.cdSize === ZIP.max32 || record.cdOffset === ZIP.max32;
    const found = zip64 ? await readZip64End(source, eocdOffset) : record;
    if (found.cdOffset + found.cdSize > eocdOffset) {
      throw new ZipFormatError('central directory overlaps the end record: archive truncated or corrupt');
    }
    return found;
  }
  throw new ZipFormatError('not a zip archive (no end of central directory record): truncated or not a packet');
}

async function readZip64End(source: ByteSource, eocdOffset: number): Promise<EndRecord> {
  if (eocdOffset < ZIP.zip64LocatorSize) throw new ZipFormatError('ZIP64 locator missing');
  const loc = viewOf(await source.read(eocdOffset - ZIP.zip64LocatorSize, ZIP.zip64LocatorSize));
  if (loc.getUint32(0, true) !== ZIP.zip64Locator) throw new ZipFormatError('ZIP64 locator missing');
  const at = readU64(loc, 8);
  if (at < 0 || at + ZIP.zip64EndOfCentralDirSize > eocdOffset)
    throw new ZipFormatError('ZIP64 end record out of range');
  const rec = viewOf(await source.read(at, ZIP.zip64EndOfCentralDirSize));
  if (rec.getUint32(0, true) !== ZIP.zip64EndOfCentralDir) throw new ZipFormatError('ZIP64 end record missing');
  const count = readU64(rec, 32);
  const cdSize = readU64(rec, 40);
  const cdOffset = readU64(rec, 48);
  if (count < 0 || cdSize < 0 || cdOffset < 0) throw new ZipFormatError('ZIP64 end record values out of range');
  return { count, cdSize, cdOffset };
}

function parseCentralDirectory(cd: Uint8Array, count: number, cdOffset: number): ZipEntry[] {
  const v = viewOf(cd);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    const where = `central directory entry ${i} (offset ${cdOffset + p})`;
    if (p + ZIP.centralHeaderSize > cd.length || v.getUint32(p, true) !== ZIP.centralHeader) {
      throw new ZipFormatError(`${where}: bad signature or truncated`);
    }
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    const next = p + ZIP.centralHeaderSize + nameLength + extraLength + commentLength;
    if (next > cd.length) throw new ZipFormatError(`${where}: truncated`);
    let path: string;
    try {
      path = decoder.decode(cd.subarray(p + ZIP.centralHeaderSize, p + ZIP.centralHeaderSize + nameLength));
    } catch {
      throw new ZipFormatError(`${where}: name is not UTF-8`);
    }
    const entry: ZipEntry = {
      path,
      flags: v.getUint16(p + 8, true),
      method: v.getUint16(p + 10, true),
      crc32: v.getUint32(p + 16, true),
      compressedSize: v.getUint32(p + 20, true),
      size: v.getUint32(p + 24, true),
      localHeaderOffset: v.getUint32(p + 42, true),
    };
    const extraStart = p + ZIP.centralHeaderSize + nameLength;
    applyZip64Extra(entry, cd.subarray(extraStart, extraStart + extraLength), where);
    if (entry.localHeaderOffset + entry.compressedSize > cdOffset) {
      throw new ZipFormatError(`${where} (${path}): data runs into the central directory`);
    }
    entries.push(entry);
    p = next;
  }
  return entries;
}

/** APPNOTE 4.5.3: the extra field holds, in this order, exactly the fields that are 0xFFFFFFFF. */
function applyZip64Extra(entry: ZipEntry, extra: Uint8Array, where: string): void {
  const v = viewOf(extra);
  for (let p = 0; p + 4 <= extra.length; ) {
    const tag = v.getUint16(p, true);
    const size = v.getUint16(p + 2, true);
    if (tag === ZIP.zip64ExtraTag) {
      let q = p + 4;
      for (const field of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
        if (entry[field] !== ZIP.max32) continue;
        if (q + 8 > p + 4 + size) throw new ZipFormatError(`${where}: ZIP64 extra field too short`);
        const value = readU64(v, q);
        if (value < 0) throw new ZipFormatError(`${where}: ZIP64 value out of range`);
        entry[field] = value;
        q += 8;
      }
      return;
    }
    p += 4 + size;
  }
}

class EntryReader {
  private readonly offsets = new Map<ZipEntry, number>();

  constructor(
    private readonly source: ByteSource,
    private readonly cdOffset: number,
    private readonly inflate: InflateTransform | undefined,
  ) {}

  async *chunks(entry: ZipEntry, chunkSize: number): AsyncIterable<Uint8Array> {
    const raw = this.rawChunks(entry, chunkSize);
    if (entry.method === ZIP.methodStore) {
      if (entry.compressedSize !== entry.size) {
        throw new ZipFormatError(`${entry.path}: stored entry with ${entry.compressedSize} ≠ ${entry.size} bytes`);
      }
      yield* raw;
      return;
    }
    if (entry.method !== ZIP.methodDeflate) {
      throw new ZipFormatError(`${entry.path}: unsupported compression method ${entry.method}`);
    }
    const inflate = this.inflate ?? platformInflate();
    if (!inflate) throw new ZipFormatError(`${entry.path}: no inflate available to read a deflated entry`);
    let total = 0;
    try {
      for await (const chunk of inflate(raw)) {
        total += chunk.length;
        if (total > entry.size) break;
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ZipFormatError) throw err;
      throw new ZipFormatError(`${entry.path}: deflate data corrupt (${(err as Error).message})`);
    }
    if (total !== entry.size) {
      throw new ZipFormatError(
        `${entry.path}: inflates to ${total > entry.size ? 'more than ' : ''}${total} bytes, directory says ${entry.size}`,
      );
    }
  }

  async bytes(entry: ZipEntry): Promise<Uint8Array> {
    if (entry.method === ZIP.methodStore) {
      const src = await this.storedSource(entry);
      return (src as ByteSource).read(0, entry.size);
    }
    const out = new Uint8Array(entry.size);
    let o = 0;
    for await (const chunk of this.chunks(entry, DEFAULT_CHUNK)) {
      out.set(chunk, o);
      o += chunk.length;
    }
    return out;
  }

  async storedSource(entry: ZipEntry): Promise<ByteSource | undefined> {
    if (entry.method !== ZIP.methodStore || entry.compressedSize !== entry.size) return undefined;
    const start = await this.dataOffset(entry);
    const { source } = this;
    return {
      size: entry.size,
      read: (offset, length) => {
        if (offset < 0 || length < 0 || offset + length > entry.size) {
          return Promise.reject(new RangeError(`read(${offset}, ${length}) outside ${entry.size} bytes`));
        }
        return source.read(start + offset, length);
      },
    };
  }

  private async *rawChunks(entry: ZipEntry, chunkSize: number): AsyncIterable<Uint8Array> {
    const start = await this.dataOffset(entry);
    for (let done = 0; done < entry.compressedSize; ) {
      const n = Math.min(chunkSize, entry.compressedSize - done);
      yield await this.source.read(start + done, n);
      done += n;
    }
  }

  /** Where the entry's data starts, after checking that its local header agrees with the central directory. */
  private async dataOffset(entry: ZipEntry): Promise<number> {
    const known = this.offsets.get(entry);
    if (known !== undefined) return known;
    const where = `${entry.path}: local header at offset ${entry.localHeaderOffset}`;
    if (entry.flags & ZIP.flagEncrypted) throw new ZipFormatError(`${entry.path}: encrypted entries are not supported`);
    if (entry.localHeaderOffset + ZIP.localHeaderSize > this.cdOffset)
      throw new ZipFormatError(`${where}: out of range`);
    const head = await this.source.read(entry.localHeaderOffset, ZIP.localHeaderSize);
    const v = viewOf(head);
    if (v.getUint32(0, true) !== ZIP.localHeader) throw new ZipFormatError(`${where}: bad signature`);
    const nameLength = v.getUint16(26, true);
    const extraLength = v.getUint16(28, true);
    const start = entry.localHeaderOffset + ZIP.localHeaderSize + nameLength + extraLength;
    if (start + entry.compressedSize > this.cdOffset) throw new ZipFormatError(`${where}: data out of range`);
    const name = await this.source.read(entry.localHeaderOffset + ZIP.localHeaderSize, nameLength);
    if (!bytesEqual(name, new TextEncoder().encode(entry.path))) {
      throw new ZipFormatError(`${where}: name differs from the central directory`);
    }
    const method = v.getUint16(8, true);
    const flags = v.getUint16(6, true);
    if (method !== entry.method || flags !== entry.flags) {
      throw new ZipFormatError(`${where}: method or flags differ from the central directory`);
    }
    if (!(flags & ZIP.flagDataDescriptor) && v.getUint32(14, true) !== entry.crc32) {
      throw new ZipFormatError(`${where}: CRC differs from the central directory`);
    }
    this.offsets.set(entry, start);
    return start;
  }
}
