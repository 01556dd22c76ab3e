import { createHash, type Hash } from 'node:crypto';
import { OpenFlag, parseReply, parseRequest, SftpFramer } from './sftp-packets';

/** What the recording says about SFTP: each file transfer, and each request that changes the file tree. */
export type SftpEvent =
  | {
      type: 'transfer';
      direction: 'upload' | 'download';
      path: string;
      /** Bytes transferred. */
      size: number;
      /** SHA-256 (hex) of the bytes in file order; null when they were not one contiguous run from offset 0. */
      sha256: string | null;
      complete: boolean;
    }
  | { type: 'sftp'; op: string; path: string; to?: string };

/** Out-of-order data kept waiting for the bytes before it; past this, the hash is given up (not the transfer). */
const MAX_REORDER_BYTES = 16 * 1024 * 1024;

/** SHA-256 over pieces that may arrive out of order (pipelined READ replies), in file order. */
class OrderedHash {
  private readonly hash: Hash = createHash('sha256');
  private next = 0;
  private waiting = new Map<number, Buffer>();
  private waitingBytes = 0;
  bytes = 0;
  broken = false;

  add(offset: number, data: Buffer): void {
    this.bytes += data.length;
    if (this.broken) return;
    if (offset !== this.next) {
      if (offset < this.next || this.waiting.has(offset) || this.waitingBytes + data.length > MAX_REORDER_BYTES) {
        this.broken = true;
        this.waiting.clear();
        return;
      }
      this.waiting.set(offset, Buffer.from(data));
      this.waitingBytes += data.length;
      return;
    }
    this.hash.update(data);
    this.next += data.length;
    for (let piece = this.waiting.get(this.next); piece; piece = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.waitingBytes -= piece.length;
      this.hash.update(piece);
      this.next += piece.length;
    }
  }

  digest(): string | null {
    return this.broken || this.waiting.size > 0 ? null : this.hash.digest('hex');
  }
}

interface OpenFile {
  path: string;
  writing: boolean;
  upload: OrderedHash;
  download: OrderedHash;
}

/**
 * Follows an SFTP conversation from both sides (bytes are relayed unchanged elsewhere) and reports each file
 * transfer with path, size and SHA-256 when its handle is closed, or at the end for files left open.
 */
export class SftpObserver {
  private readonly client = new SftpFramer();
  private readonly server = new SftpFramer();
  private readonly opening = new Map<number, { path: string; flags: number }>();
  private readonly reads = new Map<number, { handle: string; offset: number }>();
  private readonly files = new Map<string, OpenFile>();
  /** Why observation stopped (framing failed); relaying goes on. */
  failed: string | undefined;

  constructor(private readonly emit: (event: SftpEvent) => void) {}

  fromClient(chunk: Uint8Array): void {
    this.guard(() => {
      this.client.push(chunk);
      for (let p = this.client.next(); p; p = this.client.next()) this.onRequest(parseRequest(p));
    });
  }

  fromServer(chunk: Uint8Array): void {
    this.guard(() => {
      this.server.push(chunk);
      for (let p = this.server.next(); p; p = this.server.next()) this.onReply(parseReply(p));
    });
  }

  /** The channel closed: report files still open as incomplete. */
  end(): void {
    for (const file of this.files.values()) this.report(file, false);
    this.files.clear();
  }

  private guard(fn: () => void): void {
    if (this.failed) return;
    try {
      fn();
    } catch (err) {
      this.failed = (err as Error).message;
    }
  }

  private onRequest(req: ReturnType<typeof parseRequest>): void {
    switch (req.kind) {
      case 'open':
        this.opening.set(req.id, { path: req.path, flags: req.flags });
        return;
      case 'write':
        this.files.get(req.handle)?.upload.add(req.offset, req.data);
        return;
      case 'read':
        if (this.files.has(req.handle)) this.reads.set(req.id, { handle: req.handle, offset: req.offset });
        return;
      case 'close':
        this.finish(req.handle);
        return;
      case 'op':
        this.emit(
          req.to === undefined
            ? { type: 'sftp', op: req.op, path: req.path }
            : { type: 'sftp', op: req.op, path: req.path, to: req.to },
        );
        return;
    }
  }

  private onReply(reply: ReturnType<typeof parseReply>): void {
    switch (reply.kind) {
      case 'handle': {
        const open = this.opening.get(reply.id);
        if (!open) return;
        this.opening.delete(reply.id);
        const writing = (open.flags & (OpenFlag.write | OpenFlag.append | OpenFlag.create | OpenFlag.truncate)) !== 0;
        this.files.set(reply.handle, {
          path: open.path,
          writing,
          upload: new OrderedHash(),
          download: new OrderedHash(),
        });
        return;
      }
      case 'data': {
        const read = this.reads.get(reply.id);
        if (!read) return;
        this.reads.delete(reply.id);
        this.files.get(read.handle)?.download.add(read.offset, reply.data);
        return;
      }
      case 'status':
        this.opening.delete(reply.id);
        this.reads.delete(reply.id);
        return;
    }
  }

  /** CLOSE is sent after the client has every reply it waited for, so the file's data is all seen here. */
  private finish(handle: string): void {
    const file = this.files.get(handle);
    if (!file) return;
    this.files.delete(handle);
    this.report(file, true);
  }

  private report(file: OpenFile, closed: boolean): void {
    if (file.writing || file.upload.bytes > 0) this.emit(transfer('upload', file.path, file.upload, closed));
    if (file.download.bytes > 0) this.emit(transfer('download', file.path, file.download, closed));
  }
}

function transfer(direction: 'upload' | 'download', path: string, h: OrderedHash, closed: boolean): SftpEvent {
  return { type: 'transfer', direction, path, size: h.bytes, sha256: h.digest(), complete: closed && !h.broken };
}
