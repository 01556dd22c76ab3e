import { describe, expect, it } from 'vitest';
import { byteSourceFromBytes } from '../byte-source';
import { concatBytes, viewOf } from '../bytes';
import { openRecording } from '../recording-reader';
import type { RecordingWriter } from '../recording-writer';
import { buildRecording } from '../testing/recording-builder';
import { captureFromRecording } from './capture-from-recording';
import { PCAPNG } from './pcapng-blocks';

interface Block {
  type: number;
  body: Uint8Array;
}

/** Splits a little-endian pcapng file into blocks, checking both length fields of each. */
function blocks(file: Uint8Array): Block[] {
  const v = viewOf(file);
  const out: Block[] = [];
  for (let p = 0; p < file.length; ) {
    const len = v.getUint32(p + 4, true);
    expect(len % 4).toBe(0);
    expect(v.getUint32(p + len - 4, true)).toBe(len);
    out.push({ type: v.getUint32(p, true), body: file.subarray(p + 8, p + len - 4) });
    p += len;
  }
  return out;
}

interface Packet {
  tsUs: number;
  frame: Uint8Array;
  comments: string[];
}

function packets(file: Uint8Array): Packet[] {
  return blocks(file)
    .filter((b) => b.type === PCAPNG.enhancedPacket)
    .map((b) => {
      const v = viewOf(b.body);
      const len = v.getUint32(12, true);
      const frame = b.body.subarray(20, 20 + len);
      const comments: string[] = [];
      for (let p = 20 + ((len + 3) & ~3); p + 4 <= b.body.length; ) {
        const code = v.getUint16(p, true);
        const n = v.getUint16(p + 2, true);
        if (code === 0) break;
        if (code === 1) comments.push(new TextDecoder().decode(b.body.subarray(p + 4, p + 4 + n)));
        p += 4 + ((n + 3) & ~3);
      }
      return { tsUs: v.getUint32(4, true) * 2 ** 32 + v.getUint32(8, true), frame, comments };
    });
}

/** RFC 1071: the one's-complement sum over a header with its checksum is 0xffff. */
function onesSum(bytes: Uint8Array, initial = 0): number {
  let s = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) s += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (bytes.length & 1) s += (bytes[bytes.length - 1] as number) << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

async function capture(write: (w: RecordingWriter) => void, maxSegment?: number): Promise<Uint8Array> {
  const built = buildRecording({ write });
  const recording = await openRecording(byteSourceFromBytes(built.bytes));
  const parts: Uint8Array[] = [];
  for await (const part of captureFromRecording(recording, {
    serverPort: 5432,
    comment: 'test capture',
    ...(maxSegment ? { maxSegment } : {}),
  }))
    parts.push(part);
  return concatBytes(...parts);
}

const big = Uint8Array.from({ length: 150_000 }, (_, i) => i % 256);

describe('captureFromRecording (pcapng)', () => {
  it('rebuilds a TCP conversation with valid checksums and contiguous sequence numbers', async () => {
    const file = await capture((w) => {
      w.appendBytes(10, 'client', new TextEncoder().encode('Q\0\0\0\rselect 1\0'));
      w.appendAnnotation(11, { type: 'command', frame: 0, text: 'select 1', decision: 'allow' });
      w.appendBytes(20, 'server', big);
      w.flushChunk();
    }, 65_000);
    const all = blocks(file);
    expect(all[0]?.type).toBe(PCAPNG.sectionHeader);
    expect(viewOf(all[0]?.body as Uint8Array).getUint32(0, true)).toBe(PCAPNG.byteOrderMagic);
    expect(all[1]?.type).toBe(PCAPNG.interfaceDescription);
    const ps = packets(file);
    // SYN, SYN-ACK, ACK; 1 client segment; 150 000 bytes in 3 segments of ≤ 65 000; FIN, FIN-ACK, ACK.
    expect(ps).toHaveLength(3 + 1 + 3 + 3);
    const next: Record<string, number> = {};
    for (const p of ps) {
      const f = p.frame;
      const v = viewOf(f);
      expect(v.getUint16(12)).toBe(0x0800);
      const ip = f.subarray(14, 34);
      expect(onesSum(ip)).toBe(0xffff);
      const ipLen = v.getUint16(16);
      const tcp = f.subarray(34, 14 + ipLen);
      const pseudo = onesSum(f.subarray(26, 34)) + 6 + tcp.length;
      expect(onesSum(tcp, pseudo)).toBe(0xffff);
      const sport = v.getUint16(34);
      const seq = v.getUint32(38);
      const flags = f[47] as number;
      const payload = tcp.length - ((tcp[12] as number) >> 4) * 4;
      expect(payload).toBeLessThanOrEqual(65_000);
      const key = String(sport);
      if (next[key] !== undefined) expect(seq).toBe(next[key]);
      next[key] = (seq + payload + (flags & 0x03 ? 1 : 0)) >>> 0; // SYN and FIN count one
      if (flags & 0x10) {
        const other = sport === 5432 ? '40000' : '5432';
        if (next[other] !== undefined) expect(v.getUint32(42)).toBe(next[other]); // ack = the other side's next seq
      }
    }
    expect(ps[3]?.comments).toEqual([
      'vigil frame 0 (client → server, 14 bytes)',
      'vigil: ALLOW statement (frame 0): select 1',
    ]);
    expect(ps[4]?.comments).toEqual(['vigil frame 2 (server → client, 150000 bytes)']);
    const start = Date.parse('2025-01-02T03:04:05.000Z') * 1000;
    expect(ps[3]?.tsUs).toBe(start + 10);
    expect(ps[4]?.tsUs).toBe(start + 20);
  });

  it('is the same for the same recording (stable ISNs, no clock)', async () => {
    const write = (w: RecordingWriter) => {
      w.appendBytes(5, 'client', new Uint8Array([1, 2, 3]));
      w.flushChunk();
    };
    expect(await capture(write)).toEqual(await capture(write));
  });
});
