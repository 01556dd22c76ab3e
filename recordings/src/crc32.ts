/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) — the zlib/PNG CRC. It only guards the fixed
 * part of chunk records so a scanner can trust lengths without reading payloads; integrity comes from
 * the SHA-256 chain. @see FORMAT.md §3
 */
let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

export function crc32(bytes: Uint8Array): number {
  table ??= makeTable();
  let c = 0xffffffff;
  for (const b of bytes) c = (table[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
