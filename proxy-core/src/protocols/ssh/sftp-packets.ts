/**
 * SFTP v3 packets, just enough to observe file transfers: framing and the few requests and replies that say
 * which file is opened, read, written and closed. Pure functions over bytes.
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-secsh-filexfer-02
 */

/** Packet types (draft-ietf-secsh-filexfer-02 §3). */
export const SftpType = {
  init: 1,
  version: 2,
  open: 3,
  close: 4,
  read: 5,
  write: 6,
  setstat: 9,
  remove: 13,
  mkdir: 14,
  rmdir: 15,
  rename: 18,
  symlink: 20,
  status: 101,
  handle: 102,
  data: 103,
  extended: 200,
} as const;

/** SSH_FXF_* open flags (§6.3). */
export const OpenFlag = {
  read: 0x01,
  write: 0x02,
  append: 0x04,
  create: 0x08,
  truncate: 0x10,
  exclusive: 0x20,
} as const;

/** OpenSSH reads and writes at most 256 KiB per packet; anything far larger is not SFTP we can follow. */
export const MAX_SFTP_PACKET = 4 * 1024 * 1024;

export class SftpFrameError extends Error {
  override readonly name = 'SftpFrameError';
}

export interface SftpPacket {
  type: number;
  /** The bytes after the type byte. */
  payload: Buffer;
}

/** Merges chunks and yields whole packets (`uint32 length`, `byte type`, payload). */
export class SftpFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Uint8Array): void {
    this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.buffered += chunk.byteLength;
  }

  next(): SftpPacket | undefined {
    if (this.buffered < 4) return undefined;
    const head = this.peek(4);
    const length = head.readUInt32BE(0);
    if (length < 1 || length > MAX_SFTP_PACKET) throw new SftpFrameError(`SFTP packet length ${length} out of range`);
    if (this.buffered < 4 + length) return undefined;
    const packet = this.take(4 + length);
    return { type: packet[4] as number, payload: packet.subarray(5) };
  }

  private peek(n: number): Buffer {
    if ((this.chunks[0]?.length ?? 0) < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] as Buffer;
  }

  private take(n: number): Buffer {
    const all = this.peek(n);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest, ...this.chunks.slice(1)] : this.chunks.slice(1);
    this.buffered -= n;
    return out;
  }
}

/** Sequential reads over a payload; throws RangeError past its end. */
export class SftpReader {
  private at = 0;

  constructor(private readonly buf: Buffer) {}

  u32(): number {
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }

  u64(): number {
    const v = this.buf.readBigUInt64BE(this.at);
    this.at += 8;
    return Number(v);
  }

  bytes(): Buffer {
    const len = this.u32();
    if (this.at + len > this.buf.length) throw new RangeError('SFTP string runs past the packet');
    const v = this.buf.subarray(this.at, this.at + len);
    this.at += len;
    return v;
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

export type SftpRequest =
  | { kind: 'open'; id: number; path: string; flags: number }
  | { kind: 'close'; id: number; handle: string }
  | { kind: 'read'; id: number; handle: string; offset: number; length: number }
  | { kind: 'write'; id: number; handle: string; offset: number; data: Buffer }
  | { kind: 'op'; id: number; op: string; path: string; to?: string }
  | { kind: 'other' };

export type SftpReply =
  | { kind: 'handle'; id: number; handle: string }
  | { kind: 'data'; id: number; data: Buffer }
  | { kind: 'status'; id: number; code: number }
  | { kind: 'other' };

const PATH_OPS: Readonly<Record<number, string>> = {
  [SftpType.setstat]: 'setstat',
  [SftpType.remove]: 'remove',
  [SftpType.mkdir]: 'mkdir',
  [SftpType.rmdir]: 'rmdir',
};

/** A client → server packet. Handles are binary: kept as hex keys. */
export function parseRequest(p: SftpPacket): SftpRequest {
  if (p.type === SftpType.init) return { kind: 'other' };
  const r = new SftpReader(p.payload);
  const id = r.u32();
  switch (p.type) {
    case SftpType.open:
      return { kind: 'open', id, path: r.text(), flags: r.u32() };
    case SftpType.close:
      return { kind: 'close', id, handle: r.bytes().toString('hex') };
    case SftpType.read:
      return { kind: 'read', id, handle: r.bytes().toString('hex'), offset: r.u64(), length: r.u32() };
    case SftpType.write:
      return { kind: 'write', id, handle: r.bytes().toString('hex'), offset: r.u64(), data: r.bytes() };
    case SftpType.rename:
    case SftpType.symlink:
      return { kind: 'op', id, op: p.type === SftpType.rename ? 'rename' : 'symlink', path: r.text(), to: r.text() };
    case SftpType.extended:
      return extendedRequest(id, r);
  }
  const op = PATH_OPS[p.type];
  return op ? { kind: 'op', id, op, path: r.text() } : { kind: 'other' };
}

/** OpenSSH extensions that change files (PROTOCOL, §4). */
function extendedRequest(id: number, r: SftpReader): SftpRequest {
  const name = r.text();
  if (name === 'posix-rename@openssh.com') return { kind: 'op', id, op: 'rename', path: r.text(), to: r.text() };
  if (name === 'hardlink@openssh.com') return { kind: 'op', id, op: 'hardlink', path: r.text(), to: r.text() };
  return { kind: 'other' };
}

/** A server → client packet. */
export function parseReply(p: SftpPacket): SftpReply {
  if (p.type === SftpType.version) return { kind: 'other' };
  const r = new SftpReader(p.payload);
  switch (p.type) {
    case SftpType.handle:
      return { kind: 'handle', id: r.u32(), handle: r.bytes().toString('hex') };
    case SftpType.data:
      return { kind: 'data', id: r.u32(), data: r.bytes() };
    case SftpType.status:
      return { kind: 'status', id: r.u32(), code: r.u32() };
    default:
      return { kind: 'other' };
  }
}
