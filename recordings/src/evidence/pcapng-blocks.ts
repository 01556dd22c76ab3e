import { viewOf } from '../bytes';

/**
 * pcapng blocks, little-endian. Only the three a capture needs: Section Header, Interface Description and
 * Enhanced Packet (with comments).
 * @see https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html (§4.1, §4.2, §4.3; options §3.5)
 */
export const PCAPNG = {
  sectionHeader: 0x0a0d0d0a,
  byteOrderMagic: 0x1a2b3c4d,
  interfaceDescription: 0x00000001,
  enhancedPacket: 0x00000006,
  /** Options common to all blocks. */
  optEndOfOpt: 0,
  optComment: 1,
  /** SHB options. */
  shbHardware: 2,
  shbOs: 3,
  shbUserAppl: 4,
  /** IDB options. */
  ifName: 2,
  ifDescription: 3,
  ifTsresol: 9,
  /** LINKTYPE_ETHERNET. @see https://www.tcpdump.org/linktypes.html */
  linkTypeEthernet: 1,
} as const;

const encoder = new TextEncoder();
/** Longest comment written; pcapng option lengths are 16-bit. */
const MAX_OPTION = 65_000;

type Option = [code: number, value: Uint8Array];

const textOption = (code: number, text: string): Option => {
  let bytes = encoder.encode(text);
  if (bytes.length > MAX_OPTION)
    bytes = encoder.encode(`${new TextDecoder().decode(bytes.subarray(0, MAX_OPTION - 16))}… (cut)`);
  return [code, bytes];
};
const pad4 = (n: number) => (n + 3) & ~3;

function optionsSize(options: readonly Option[]): number {
  if (options.length === 0) return 0;
  return options.reduce((n, [, v]) => n + 4 + pad4(v.length), 0) + 4;
}

function writeOptions(view: DataView, out: Uint8Array, at: number, options: readonly Option[]): number {
  if (options.length === 0) return at;
  let p = at;
  for (const [code, value] of options) {
    view.setUint16(p, code, true);
    view.setUint16(p + 2, value.length, true);
    out.set(value, p + 4);
    p += 4 + pad4(value.length);
  }
  return p + 4; // opt_endofopt: code 0, length 0 (already zero)
}

/** A block: type, total length, body (padded to 32 bits), options, total length again. */
function block(type: number, fixed: Uint8Array, data: Uint8Array | undefined, options: readonly Option[]): Uint8Array {
  const dataSize = data ? pad4(data.length) : 0;
  const total = 12 + fixed.length + dataSize + optionsSize(options);
  const out = new Uint8Array(total);
  const v = viewOf(out);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  out.set(fixed, 8);
  if (data) out.set(data, 8 + fixed.length);
  writeOptions(v, out, 8 + fixed.length + dataSize, options);
  v.setUint32(total - 4, total, true);
  return out;
}

export function sectionHeaderBlock(opts: {
  comment?: string;
  hardware?: string;
  os?: string;
  application?: string;
}): Uint8Array {
  const fixed = new Uint8Array(16);
  const v = viewOf(fixed);
  v.setUint32(0, PCAPNG.byteOrderMagic, true);
  v.setUint16(4, 1, true); // major
  v.setUint16(6, 0, true); // minor
  v.setInt32(8, -1, true); // section length: unspecified (−1 as 64 bits)
  v.setInt32(12, -1, true);
  const options: Option[] = [];
  if (opts.comment) options.push(textOption(PCAPNG.optComment, opts.comment));
  if (opts.hardware) options.push(textOption(PCAPNG.shbHardware, opts.hardware));
  if (opts.os) options.push(textOption(PCAPNG.shbOs, opts.os));
  if (opts.application) options.push(textOption(PCAPNG.shbUserAppl, opts.application));
  return block(PCAPNG.sectionHeader, fixed, undefined, options);
}

/** Timestamps in microseconds (if_tsresol 6, the default, written out for clarity); snaplen 0 = no limit. */
export function interfaceDescriptionBlock(opts: { linkType: number; name?: string; description?: string }): Uint8Array {
  const fixed = new Uint8Array(8);
  const v = viewOf(fixed);
  v.setUint16(0, opts.linkType, true);
  v.setUint32(4, 0, true);
  const options: Option[] = [];
  if (opts.name) options.push(textOption(PCAPNG.ifName, opts.name));
  if (opts.description) options.push(textOption(PCAPNG.ifDescription, opts.description));
  options.push([PCAPNG.ifTsresol, Uint8Array.of(6)]);
  return block(PCAPNG.interfaceDescription, fixed, undefined, options);
}

/** One packet, captured whole, at `timestampUs` µs since the epoch, with optional comments. */
export function enhancedPacketBlock(
  timestampUs: number,
  packet: Uint8Array,
  comments: readonly string[] = [],
): Uint8Array {
  const fixed = new Uint8Array(20);
  const v = viewOf(fixed);
  v.setUint32(0, 0, true); // interface id
  v.setUint32(4, Math.floor(timestampUs / 2 ** 32), true);
  v.setUint32(8, timestampUs % 2 ** 32, true);
  v.setUint32(12, packet.length, true);
  v.setUint32(16, packet.length, true);
  return block(
    PCAPNG.enhancedPacket,
    fixed,
    packet,
    comments.map((c) => textOption(PCAPNG.optComment, c)),
  );
}
