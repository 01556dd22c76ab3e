import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type SftpEvent, SftpObserver } from './sftp-observer';
import { OpenFlag, SftpFramer, SftpType } from './sftp-packets';

/** Builders for SFTP v3 packets (draft-ietf-secsh-filexfer-02 §3). */
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const str = (s: string | Buffer) => {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([u32(b.length), b]);
};
const packet = (type: number, ...parts: Buffer[]) => {
  const body = Buffer.concat([Buffer.from([type]), ...parts]);
  return Buffer.concat([u32(body.length), body]);
};

const open = (id: number, path: string, flags: number) => packet(SftpType.open, u32(id), str(path), u32(flags), u32(0));
const handle = (id: number, h: string) => packet(SftpType.handle, u32(id), str(h));
const write = (id: number, h: string, offset: number, data: Buffer) =>
  packet(SftpType.write, u32(id), str(h), u64(offset), str(data));
const read = (id: number, h: string, offset: number, len: number) =>
  packet(SftpType.read, u32(id), str(h), u64(offset), u32(len));
const data = (id: number, d: Buffer) => packet(SftpType.data, u32(id), str(d));
const close = (id: number, h: string) => packet(SftpType.close, u32(id), str(h));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('SftpFramer', () => {
  it('yields packets split at the start, middle and end of chunks, and many in one chunk', () => {
    const a = open(1, '/a', 1);
    const b = close(2, 'h');
    const all = Buffer.concat([a, b, a]);
    for (const cuts of [[1], [3, 4], [a.length], [a.length + 2, a.length + b.length], [all.length]]) {
      const framer = new SftpFramer();
      let from = 0;
      const types: number[] = [];
      for (const cut of [...cuts, all.length]) {
        framer.push(all.subarray(from, cut));
        from = cut;
        for (let p = framer.next(); p; p = framer.next()) types.push(p.type);
      }
      expect(types).toEqual([SftpType.open, SftpType.close, SftpType.open]);
    }
  });

  it('refuses absurd lengths', () => {
    const framer = new SftpFramer();
    framer.push(u32(0xffffffff));
    expect(() => framer.next()).toThrow(/out of range/);
  });
});

describe('SftpObserver', () => {
  it('reports an upload with size and SHA-256 when its handle is closed', () => {
    const events: SftpEvent[] = [];
    const o = new SftpObserver((e) => events.push(e));
    const content = Buffer.from('hello world, twice over');
    o.fromClient(open(1, '/tmp/up', OpenFlag.write | OpenFlag.create | OpenFlag.truncate));
    o.fromServer(handle(1, 'H1'));
    o.fromClient(Buffer.concat([write(2, 'H1', 0, content.subarray(0, 10)), write(3, 'H1', 10, content.subarray(10))]));
    o.fromClient(close(4, 'H1'));
    expect(events).toEqual([
      {
        type: 'transfer',
        direction: 'upload',
        path: '/tmp/up',
        size: content.length,
        sha256: sha(content),
        complete: true,
      },
    ]);
  });

  it('hashes a download in file order even when replies come out of order', () => {
    const events: SftpEvent[] = [];
    const o = new SftpObserver((e) => events.push(e));
    const content = Buffer.from('0123456789abcdefghij');
    o.fromClient(open(1, '/tmp/down', OpenFlag.read));
    o.fromServer(handle(1, 'H'));
    o.fromClient(Buffer.concat([read(2, 'H', 0, 10), read(3, 'H', 10, 10)]));
    o.fromServer(Buffer.concat([data(3, content.subarray(10)), data(2, content.subarray(0, 10))]));
    o.fromClient(close(4, 'H'));
    expect(events).toEqual([
      { type: 'transfer', direction: 'download', path: '/tmp/down', size: 20, sha256: sha(content), complete: true },
    ]);
  });

  it('reports files left open as incomplete, and changes to the tree', () => {
    const events: SftpEvent[] = [];
    const o = new SftpObserver((e) => events.push(e));
    o.fromClient(open(1, '/tmp/x', OpenFlag.write));
    o.fromServer(handle(1, 'H'));
    o.fromClient(write(2, 'H', 5, Buffer.from('gap')));
    o.fromClient(packet(SftpType.remove, u32(3), str('/tmp/old')));
    o.fromClient(packet(SftpType.rename, u32(4), str('/tmp/a'), str('/tmp/b')));
    o.end();
    expect(events).toEqual([
      { type: 'sftp', op: 'remove', path: '/tmp/old' },
      { type: 'sftp', op: 'rename', path: '/tmp/a', to: '/tmp/b' },
      { type: 'transfer', direction: 'upload', path: '/tmp/x', size: 3, sha256: null, complete: false },
    ]);
  });

  it('stops observing (never throws) on bytes that are not SFTP', () => {
    const o = new SftpObserver(() => {});
    o.fromClient(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(o.failed).toMatch(/out of range/);
  });
});
