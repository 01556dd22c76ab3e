import { describe, expect, it } from 'vitest';
import { FramingError } from './errors';
import { MAX_STARTUP_PACKET_LENGTH, MessageFramer, type PgFrame } from './framer';
import { BufferList, concat } from './testing/buffer-list';

const query = new BufferList().addCString('select * from pgbench_accounts where aid = 1').join(true, 'Q');
const sync = new BufferList().join(true, 'S');
const dataRow = new BufferList().addInt16(2).addInt32(3).addString('abc').addInt32(-1).join(true, 'D');
const big = new BufferList().add(new Uint8Array(3000).fill(7)).join(true, 'd');
const messages = [query, sync, dataRow, big, sync];
const stream = concat(messages);

function drain(framer: MessageFramer): PgFrame[] {
  const out: PgFrame[] = [];
  for (let f = framer.next(); f; f = framer.next()) out.push(f);
  return out;
}

function feed(chunks: readonly Uint8Array[], startup = false): PgFrame[] {
  const framer = new MessageFramer({ startup, maxMessageSize: 1 << 20 });
  const out: PgFrame[] = [];
  for (const c of chunks) {
    framer.push(c);
    out.push(...drain(framer));
  }
  expect(framer.buffered).toBe(0);
  return out;
}

/** Byte equality through Buffer.equals: vitest's deep equality is far too slow for thousands of splits. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function expectMessages(frames: readonly PgFrame[]): void {
  expect(frames.length).toBe(messages.length);
  expect(frames.every((f, i) => same(f.bytes, messages[i] as Uint8Array))).toBe(true);
  expect(frames.map((f) => f.code)).toEqual([0x51, 0x53, 0x44, 0x64, 0x53]);
  for (const f of frames) expect(f.payload.byteOffset).toBe(f.bytes.byteOffset + 5);
}

describe('MessageFramer', () => {
  it('yields many messages from one chunk, as views of that chunk', () => {
    const frames = feed([stream]);
    expectMessages(frames);
    for (const f of frames) expect(f.bytes.buffer).toBe(stream.buffer);
  });

  it('handles a split at every position: start, middle and end of each message', () => {
    for (let i = 0; i <= stream.length; i++) expectMessages(feed([stream.subarray(0, i), stream.subarray(i)]));
  });

  it('handles one byte at a time', () => {
    const chunks = Array.from(stream, (b) => Uint8Array.of(b));
    expectMessages(feed(chunks));
  });

  it('handles a message spread over many chunks of odd sizes', () => {
    for (const size of [2, 3, 5, 7, 64, 1000]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      expectMessages(feed(chunks));
    }
  });

  it('copies a spanning message once and keeps later messages in the chunk as views', () => {
    const cut = query.length + 2; // inside Sync's length field
    const second = stream.subarray(cut);
    const frames = feed([stream.subarray(0, cut), second]);
    expectMessages(frames);
    const [q, s, d] = frames as [PgFrame, PgFrame, PgFrame];
    expect(q.bytes.buffer).toBe(stream.buffer);
    expect(s.bytes.byteLength).toBe(s.bytes.buffer.byteLength); // its own exact-size copy
    expect(d.bytes.buffer).toBe(second.buffer);
  });

  it('waits for the rest of a message and reports what is buffered', () => {
    const framer = new MessageFramer({ startup: false, maxMessageSize: 1 << 20 });
    framer.push(big.subarray(0, 100));
    expect(framer.next()).toBeUndefined();
    expect(framer.buffered).toBe(100);
    framer.push(big.subarray(100));
    expect(framer.next()?.bytes).toEqual(big);
    expect(framer.next()).toBeUndefined();
    expect(framer.buffered).toBe(0);
  });

  it('reads startup-phase packets without a type byte, then typed messages after startupDone()', () => {
    const ssl = new BufferList().addInt32(80877103).join(true);
    const startup = new BufferList().addInt32(196608).addCString('user').addCString('bob').addByte(0).join(true);
    const framer = new MessageFramer({ startup: true, maxMessageSize: 1 << 20 });
    framer.push(concat([ssl, startup.subarray(0, 3)]));
    expect(framer.next()).toMatchObject({ code: 0, bytes: ssl, payload: ssl.subarray(4) });
    expect(framer.next()).toBeUndefined();
    framer.push(concat([startup.subarray(3), query]));
    expect(framer.next()).toMatchObject({ code: 0, bytes: startup });
    framer.startupDone();
    expect(framer.next()).toMatchObject({ code: 0x51, bytes: query });
  });

  it('peeks at whole buffered messages without consuming them, however they are split', () => {
    for (const size of [1, 3, 7, 64, stream.length]) {
      const framer = new MessageFramer({ startup: false, maxMessageSize: 1 << 20 });
      for (let i = 0; i < stream.length - 2; i += size)
        framer.push(stream.subarray(i, Math.min(i + size, stream.length - 2)));
      const first = framer.next() as PgFrame;
      expect(same(first.bytes, query)).toBe(true);
      const peeked = framer.peek(10);
      // The last Sync is not whole yet: three messages are.
      expect(peeked.map((f) => f.code)).toEqual([0x53, 0x44, 0x64]);
      expect(peeked.every((f, i) => same(f.bytes, messages[i + 1] as Uint8Array))).toBe(true);
      expect(framer.peek(1)).toHaveLength(1);
      framer.push(stream.subarray(stream.length - 2));
      expect(drain(framer).map((f) => f.code)).toEqual([0x53, 0x44, 0x64, 0x53]);
    }
    const startup = new MessageFramer({ startup: true, maxMessageSize: 1 << 20 });
    startup.push(stream);
    expect(startup.peek(10)).toEqual([]);
  });

  describe('absurd lengths', () => {
    const typed = (length: number) => new BufferList().addChar('Q').addInt32(length).join();
    const untyped = (length: number) => new BufferList().addInt32(length).join();
    const framer = (startup: boolean) => new MessageFramer({ startup, maxMessageSize: 1024 });

    it.each([0xffffffff, 0x80000000, 3, 0, 1025])('rejects length %i of a typed message', (length) => {
      const f = framer(false);
      f.push(typed(length));
      expect(() => f.next()).toThrow(FramingError);
      expect(() => f.next()).toThrow(`invalid message length ${length}`);
    });

    it('rejects an oversized length as soon as the header is in, before the body arrives', () => {
      const f = framer(false);
      f.push(typed(1 << 30));
      expect(() => f.next()).toThrow("invalid message length 1073741824 for message type 'Q' (must be 4 to 1024)");
    });

    it('accepts lengths 4 and maxMessageSize exactly', () => {
      const f = framer(false);
      f.push(concat([typed(4), typed(1024), new Uint8Array(1020)]));
      expect(f.next()?.payload.length).toBe(0);
      expect(f.next()?.payload.length).toBe(1020);
    });

    it.each([0xffffffff, 7, 0, MAX_STARTUP_PACKET_LENGTH + 5])('rejects startup packet length %i', (length) => {
      const f = framer(true);
      f.push(untyped(length));
      expect(() => f.next()).toThrow(`invalid message length ${length} in startup packet`);
    });

    it('accepts the largest startup packet PostgreSQL accepts, whatever maxMessageSize is', () => {
      const f = framer(true);
      f.push(concat([untyped(MAX_STARTUP_PACKET_LENGTH + 4), new Uint8Array(MAX_STARTUP_PACKET_LENGTH)]));
      expect(f.next()?.payload.length).toBe(MAX_STARTUP_PACKET_LENGTH);
    });

    it('names a non-printable type byte in hex', () => {
      const f = framer(false);
      f.push(Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff));
      expect(() => f.next()).toThrow('invalid message length 4294967295 for message type 0x01');
    });
  });
});
