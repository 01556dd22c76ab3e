import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from '../byte-source';
import { concatBytes, viewOf } from '../bytes';
import { sha256Hex } from '../hash';
import { crc32Update } from './zip-format';
import { openZip, ZipFormatError } from './zip-reader';
import { ZipWriter } from './zip-writer';

const text = (s: string) => new TextEncoder().encode(s);

async function* chunked(data: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size);
}

/** Tiny, medium and large pieces in turn: the writer batches small ones and must keep the order. */
async function* mixedChunks(data: Uint8Array): AsyncIterable<Uint8Array> {
  const sizes = [7, 150_000, 3, 1, 90_000, 20_000, 200_000];
  let o = 0;
  for (let i = 0; o < data.length; i++) {
    const n = sizes[i % sizes.length] as number;
    yield data.slice(o, o + n);
    o += n;
  }
}

async function build(add: (w: ZipWriter) => Promise<void>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const w = new ZipWriter((b) => {
    parts.push(b.slice());
  });
  await add(w);
  await w.finish();
  return concatBytes(...parts);
}

const big = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251);

describe('ZipWriter + openZip', () => {
  it('round-trips stored, deflated and streamed entries, with SHA-256 and CRC of the content', async () => {
    const written: Record<string, { sha256: string; size: number; crc32: number }> = {};
    const zip = await build(async (w) => {
      for (const e of [
        { path: 'a.txt', method: 'deflate' as const, content: text('hello '.repeat(1000)) },
        { path: 'dir/b.bin', method: 'store' as const, content: big },
        { path: 'dir/c.bin', method: 'store' as const, content: chunked(big, 65_536) },
        { path: 'd.txt', method: 'deflate' as const, content: chunked(big, 10_000) },
        { path: 'empty', method: 'deflate' as const, content: chunked(new Uint8Array(0), 1) },
        { path: 'mixed.bin', method: 'store' as const, content: mixedChunks(big) },
      ]) {
        const r = await w.add(e);
        written[e.path] = r;
      }
    });
    const archive = await openZip(byteSourceFromBytes(zip));
    expect(archive.problems).toEqual([]);
    expect(archive.entries.map((e) => e.path)).toEqual([
      'a.txt',
      'dir/b.bin',
      'dir/c.bin',
      'd.txt',
      'empty',
      'mixed.bin',
    ]);
    expect(written['mixed.bin']?.sha256).toBe(sha256Hex(big));
    for (const entry of archive.entries) {
      const bytes = await archive.bytes(entry);
      expect(sha256Hex(bytes)).toBe(written[entry.path]?.sha256);
      expect(bytes.length).toBe(written[entry.path]?.size);
      expect(crc32Update(bytes, 0)).toBe(entry.crc32);
    }
    expect(new TextDecoder().decode(await archive.bytes(archive.get('a.txt') as never))).toBe('hello '.repeat(1000));
    const stored = await archive.source(archive.get('dir/c.bin') as never);
    expect(stored?.size).toBe(big.length);
    expect(await stored?.read(1000, 3)).toEqual(big.subarray(1000, 1003));
    expect(await archive.source(archive.get('d.txt') as never)).toBeUndefined();
  });

  it('refuses unsafe and duplicate names when writing, and reports them when reading', async () => {
    const w = new ZipWriter(() => {});
    for (const bad of ['../x', '/etc/passwd', 'a//b', 'a\\b', '']) {
      await expect(w.add({ path: bad, method: 'store', content: text('x') })).rejects.toThrow(TypeError);
    }
    await w.add({ path: 'x', method: 'store', content: text('x') });
    await expect(w.add({ path: 'x', method: 'store', content: text('y') })).rejects.toThrow(/added twice/);
  });

  it('says what is wrong with a truncated archive, a bad local header and corrupt deflate data', async () => {
    const zip = await build(async (w) => {
      await w.add({ path: 'a.txt', method: 'deflate', content: text('some text that deflates '.repeat(50)) });
      await w.add({ path: 'b.txt', method: 'store', content: text('stored') });
    });
    await expect(openZip(byteSourceFromBytes(zip.subarray(0, zip.length - 10)))).rejects.toThrow(
      /no end of central directory/,
    );
    const renamed = zip.slice();
    renamed[30] = (renamed[30] as number) ^ 0x20; // first letter of the first local header's name
    const a = await openZip(byteSourceFromBytes(renamed));
    await expect(a.bytes(a.entries[0] as never)).rejects.toThrow(/name differs from the central directory/);
    const corrupt = zip.slice();
    corrupt[38] = (corrupt[38] as number) ^ 0xff; // inside the deflate stream
    const c = await openZip(byteSourceFromBytes(corrupt));
    const entry = c.entries[0] as never;
    // Either inflate fails (ZipFormatError) or it yields other bytes, which the CRC (and the manifest's SHA-256) catch.
    const got = await c.bytes(entry).catch((err: unknown) => err);
    if (got instanceof Uint8Array) expect(crc32Update(got, 0)).not.toBe(c.entries[0]?.crc32);
    else expect(got).toBeInstanceOf(ZipFormatError);
  });

  it('writes ZIP64 records when an entry is declared large', async () => {
    const zip = await build(async (w) => {
      await w.add({ path: 'big.bin', method: 'store', content: chunked(big, 50_000), zip64: true });
    });
    // local header: sizes 0xFFFFFFFF with a ZIP64 extra field; descriptor with 8-byte sizes
    const v = viewOf(zip);
    expect(v.getUint32(18, true)).toBe(0xffffffff);
    expect(v.getUint16(28, true)).toBe(20);
    const archive = await openZip(byteSourceFromBytes(zip));
    expect(sha256Hex(await archive.bytes(archive.entries[0] as never))).toBe(sha256Hex(big));
  });
});
