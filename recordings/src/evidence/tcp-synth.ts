import { viewOf } from '../bytes';

/**
 * Synthetic Ethernet II / IPv4 / TCP frames for one conversation, with real sequence and acknowledgement
 * numbers and checksums, so dissectors (Wireshark's TCP reassembly, then the application dissector) treat
 * the rebuilt bytes exactly like a capture.
 * @see RFC 791 (IPv4), RFC 9293 (TCP), RFC 1071 (checksum), RFC 7323 §2 (window scale)
 */
export interface TcpEndpoint {
  mac: Uint8Array;
  ip: readonly [number, number, number, number];
  port: number;
}

export type Side = 'client' | 'server';

const ETH_HEADER = 14;
const IP_HEADER = 20;
const TCP_HEADER = 20;
/** SYN options: MSS (4 bytes), NOP, window scale (3 bytes). */
const SYN_OPTIONS = 8;
/** Largest payload an IPv4 packet can carry (total length is 16 bits). */
export const MAX_TCP_PAYLOAD = 0xffff - IP_HEADER - TCP_HEADER;
/** Window scale 14 (RFC 7323 maximum): a 1 GiB window, so large results never look like "window full". */
const WINDOW_SCALE = 14;

const FLAG = { fin: 0x01, syn: 0x02, psh: 0x08, ack: 0x10 } as const;

/** One TCP connection's state; every method returns whole Ethernet frames to write to the capture. */
export class TcpConversation {
  private readonly next: Record<Side, number>;
  private readonly ipId: Record<Side, number> = { client: 1, server: 1 };

  constructor(
    private readonly client: TcpEndpoint,
    private readonly server: TcpEndpoint,
    isn: { client: number; server: number },
  ) {
    this.next = { client: isn.client >>> 0, server: isn.server >>> 0 };
  }

  /** SYN, SYN-ACK, ACK. */
  handshake(): Uint8Array[] {
    const syn = this.segment('client', FLAG.syn, new Uint8Array(0), true);
    this.advance('client', 1);
    const synAck = this.segment('server', FLAG.syn | FLAG.ack, new Uint8Array(0), true);
    this.advance('server', 1);
    return [syn, synAck, this.segment('client', FLAG.ack, new Uint8Array(0))];
  }

  /** `payload` from `from`, cut into segments of at most `maxSegment` bytes; PSH on the last one. */
  data(from: Side, payload: Uint8Array, maxSegment = MAX_TCP_PAYLOAD): Uint8Array[] {
    const size = Math.min(Math.max(1, maxSegment), MAX_TCP_PAYLOAD);
    const out: Uint8Array[] = [];
    for (let o = 0; o < payload.length; o += size) {
      const part = payload.subarray(o, o + size);
      const last = o + size >= payload.length;
      out.push(this.segment(from, FLAG.ack | (last ? FLAG.psh : 0), part));
      this.advance(from, part.length);
    }
    return out;
  }

  /** FIN from `first`, FIN-ACK from the other side, final ACK. */
  close(first: Side = 'client'): Uint8Array[] {
    const other: Side = first === 'client' ? 'server' : 'client';
    const fin = this.segment(first, FLAG.fin | FLAG.ack, new Uint8Array(0));
    this.advance(first, 1);
    const finAck = this.segment(other, FLAG.fin | FLAG.ack, new Uint8Array(0));
    this.advance(other, 1);
    return [fin, finAck, this.segment(first, FLAG.ack, new Uint8Array(0))];
  }

  private advance(side: Side, n: number): void {
    this.next[side] = (this.next[side] + n) >>> 0;
  }

  private segment(from: Side, flags: number, payload: Uint8Array, syn = false): Uint8Array {
    const [src, dst] = from === 'client' ? [this.client, this.server] : [this.server, this.client];
    const tcpHeader = TCP_HEADER + (syn ? SYN_OPTIONS : 0);
    const ipLength = IP_HEADER + tcpHeader + payload.length;
    const out = new Uint8Array(ETH_HEADER + ipLength);
    const v = viewOf(out);
    out.set(dst.mac, 0);
    out.set(src.mac, 6);
    v.setUint16(12, 0x0800); // EtherType IPv4

    const ip = ETH_HEADER;
    out[ip] = 0x45; // version 4, IHL 5
    v.setUint16(ip + 2, ipLength);
    v.setUint16(ip + 4, this.ipId[from]);
    this.ipId[from] = (this.ipId[from] + 1) & 0xffff;
    v.setUint16(ip + 6, 0x4000); // don't fragment
    out[ip + 8] = 64; // TTL
    out[ip + 9] = 6; // TCP
    out.set(src.ip, ip + 12);
    out.set(dst.ip, ip + 16);
    v.setUint16(ip + 10, checksum(out, ip, IP_HEADER, 0));

    const tcp = ip + IP_HEADER;
    v.setUint16(tcp, src.port);
    v.setUint16(tcp + 2, dst.port);
    v.setUint32(tcp + 4, this.next[from]);
    const ackNo = flags & FLAG.ack ? this.next[from === 'client' ? 'server' : 'client'] : 0;
    v.setUint32(tcp + 8, ackNo);
    out[tcp + 12] = (tcpHeader / 4) << 4;
    out[tcp + 13] = flags;
    v.setUint16(tcp + 14, 0xffff); // window (scaled by 2^14 after the handshake)
    if (syn) {
      out.set([2, 4, (MAX_TCP_PAYLOAD >> 8) & 0xff, MAX_TCP_PAYLOAD & 0xff, 1, 3, 3, WINDOW_SCALE], tcp + TCP_HEADER);
    }
    out.set(payload, tcp + tcpHeader);
    // Pseudo-header: source, destination, zero, protocol, TCP length (RFC 9293 §3.1).
    const pseudo = sum16(out, ip + 12, 8, 0) + 6 + tcpHeader + payload.length;
    v.setUint16(tcp + 16, checksum(out, tcp, tcpHeader + payload.length, pseudo));
    return out;
  }
}

/** Sum of big-endian 16-bit words of bytes [at, at + length), odd byte padded with zero. */
function sum16(b: Uint8Array, at: number, length: number, initial: number): number {
  let s = initial;
  const end = at + length - (length & 1);
  for (let i = at; i < end; i += 2) s += ((b[i] as number) << 8) | (b[i + 1] as number);
  if (length & 1) s += (b[end] as number) << 8;
  return s;
}

/** RFC 1071 one's-complement checksum (the checksum field itself must still be zero). */
function checksum(b: Uint8Array, at: number, length: number, initial: number): number {
  let s = sum16(b, at, length, initial);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}
