import { describe, expect, it } from 'vitest';
import { BufferReader } from './buffer-reader';
import { ProtocolError } from './errors';
import { BufferList, text } from './testing/buffer-list';

describe('BufferReader', () => {
  it('reads integers big-endian, signed and unsigned', () => {
    const bytes = new BufferList().addInt16(-2).addInt16(0xfffe).addInt32(-1).addInt32(0xfffffffe).addByte(7).join();
    const r = new BufferReader(bytes);
    expect([r.int16(), r.uint16(), r.int32(), r.uint32(), r.byte()]).toEqual([-2, 0xfffe, -1, 0xfffffffe, 7]);
    expect(r.remaining).toBe(0);
  });

  it('reads C strings as UTF-8, short ASCII and long multibyte alike', () => {
    const long = 'é'.repeat(40);
    const r = new BufferReader(
      new BufferList().addCString('abc').addCString('größe').addCString(long).addCString('').join(),
    );
    expect([r.cstring(), r.cstring(), r.cstring(), r.cstring()]).toEqual(['abc', 'größe', long, '']);
  });

  it('returns views, not copies', () => {
    const bytes = new BufferList().addString('hello').join();
    const view = new BufferReader(bytes).bytes(5);
    expect(view.buffer).toBe(bytes.buffer);
    expect(text(view)).toBe('hello');
  });

  it('reads -1 lengths as null and rejects other negative lengths', () => {
    const r = new BufferReader(new BufferList().addInt32(-1).addInt32(2).addString('ok').addInt32(-2).join());
    expect(r.nullableBytes()).toBeNull();
    expect(text(r.nullableBytes())).toBe('ok');
    expect(() => r.nullableBytes()).toThrow('invalid value length -2');
  });

  it('throws a ProtocolError instead of reading past the end', () => {
    const r = new BufferReader(Uint8Array.of(0, 0, 1));
    expect(() => r.int32()).toThrow(ProtocolError);
    expect(() => new BufferReader(Uint8Array.of(0x61, 0x62)).cstring()).toThrow('missing terminator');
    expect(() => new BufferReader(Uint8Array.of(0, 5, 1)).bytes(5)).toThrow('message too short');
  });

  it('honours an end bound inside a larger buffer', () => {
    const r = new BufferReader(new BufferList().addCString('ab').addCString('cd').join(), 0, 3);
    expect(r.cstring()).toBe('ab');
    expect(() => r.cstring()).toThrow(ProtocolError);
  });
});
