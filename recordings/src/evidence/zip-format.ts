/**
 * The subset of the ZIP format that evidence packets use: store (0) and deflate (8), data descriptors for
 * streamed entries, ZIP64 for entries, offsets or counts past the 32-bit fields, UTF-8 names.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (APPNOTE 6.3.10)
 */
export const ZIP = {
  /** 4.3.7 local file header, 30 bytes + name + extra. */
  localHeader: 0x04034b50,
  localHeaderSize: 30,
  /** 4.3.9 data descriptor (with its optional signature). */
  dataDescriptor: 0x08074b50,
  /** 4.3.12 central directory file header, 46 bytes + name + extra + comment. */
  centralHeader: 0x02014b50,
  centralHeaderSize: 46,
  /** 4.3.16 end of central directory record, 22 bytes + comment. */
  endOfCentralDir: 0x06054b50,
  endOfCentralDirSize: 22,
  /** 4.3.14 / 4.3.15 ZIP64 end of central directory record (56 bytes) and locator (20 bytes). */
  zip64EndOfCentralDir: 0x06064b50,
  zip64EndOfCentralDirSize: 56,
  zip64Locator: 0x07064b50,
  zip64LocatorSize: 20,
  /** 4.5.3 ZIP64 extended information extra field. */
  zip64ExtraTag: 0x0001,
  /** General purpose flags: bit 0 encrypted, bit 3 sizes in a data descriptor, bit 11 UTF-8 name. */
  flagEncrypted: 0x0001,
  flagDataDescriptor: 0x0008,
  flagUtf8: 0x0800,
  methodStore: 0,
  methodDeflate: 8,
  /** 4.4.3 version needed: 2.0 for deflate, 4.5 for ZIP64. */
  version20: 20,
  version45: 45,
  /** Version made by: high byte 3 = UNIX (so external attributes carry a file mode). */
  madeByUnix: 0x0300,
  max32: 0xffffffff,
  max16: 0xffff,
} as const;

export type ZipMethod = 'store' | 'deflate';

/** Compresses a stream with raw deflate (RFC 1951): Node's zlib, or `CompressionStream('deflate-raw')`. */
export type DeflateTransform = (input: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
/** Decompresses a raw deflate stream. */
export type InflateTransform = (input: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

/** Incremental hash (SHA-256): `@noble/hashes` `sha256.create` has this shape, so has a thin node:crypto wrapper. */
export interface IncrementalHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}
export type HashFactory = () => IncrementalHash;

/** CRC-32 of `data` continuing from `previous` (0 to start), like node:zlib's `crc32(data, value)`. */
export type Crc32Update = (data: Uint8Array, previous: number) => number;

let crcTable: Uint32Array | undefined;

/** Table-driven CRC-32 (IEEE 802.3), for browsers; Node passes zlib's native one. */
export const crc32Update: Crc32Update = (data, previous) => {
  crcTable ??= makeCrcTable();
  const t = crcTable;
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

function makeCrcTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Raw deflate / inflate through the platform's Compression Streams (browsers, Node ≥ 20), if present. */
export function platformDeflate(): DeflateTransform | undefined {
  if (typeof CompressionStream === 'undefined') return undefined;
  return (input) => throughStream(input, new CompressionStream('deflate-raw') as unknown as WebTransform);
}

export function platformInflate(): InflateTransform | undefined {
  if (typeof DecompressionStream === 'undefined') return undefined;
  return (input) => throughStream(input, new DecompressionStream('deflate-raw') as unknown as WebTransform);
}

type WebTransform = { writable: WritableStream<Uint8Array>; readable: ReadableStream<Uint8Array> };

async function* throughStream(input: AsyncIterable<Uint8Array>, transform: WebTransform): AsyncIterable<Uint8Array> {
  const writer = transform.writable.getWriter();
  const feeding = (async () => {
    try {
      for await (const chunk of input) await writer.write(chunk);
      await writer.close();
    } catch (err) {
      await writer.abort(err).catch(() => {});
    }
  })();
  const reader = transform.readable.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
    finished = true;
  } finally {
    // A consumer that stops early cancels the stream, which makes the pending write fail and `feeding` end.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
    await feeding;
  }
}

/** MS-DOS date and time (APPNOTE 4.4.6), from the UTC fields so packets are the same in every time zone. */
export function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}
