import { describe, expect, it } from 'vitest';
import { BufferWriter } from './buffer-writer';
import { BufferList, utf8 } from './testing/buffer-list';

describe('BufferWriter', () => {
  it('writes a typed message with its length (type byte not counted)', () => {
    const bytes = new BufferWriter().addCString('select 1').flush(0x51);
    expect(bytes).toEqual(new BufferList().addCString('select 1').join(true, 'Q'));
  });

  it('writes an untyped (startup-phase) message', () => {
    const bytes = new BufferWriter().addInt32(80877103).flush();
    expect(bytes).toEqual(Uint8Array.of(0, 0, 0, 8, 4, 210, 22, 47));
  });

  it('writes negative and unsigned 32-bit values to the same bits', () => {
    const a = new BufferWriter().addInt32(-1).addInt32(0xffffffff).addInt16(-1).flush();
    expect([...a.subarray(4)]).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('grows past its initial size, including for multibyte text', () => {
    const long = '€'.repeat(1000);
    const bytes = new BufferWriter(4).addString(long).addBytes(new Uint8Array(10_000)).flush();
    expect(bytes.length).toBe(4 + 3000 + 10_000);
    expect(bytes.subarray(4, 3004)).toEqual(utf8(long));
  });

  it('starts afresh after flush, without sharing bytes with the previous message', () => {
    const writer = new BufferWriter(8);
    const first = writer.addCString('one').flush(0x51);
    const second = writer.addCString('two').flush(0x51);
    expect(first).toEqual(new BufferList().addCString('one').join(true, 'Q'));
    expect(second).toEqual(new BufferList().addCString('two').join(true, 'Q'));
    expect(first.buffer).not.toBe(second.buffer);
  });

  it('writes NULL as length -1', () => {
    expect([
      ...new BufferWriter().addNullableBytes(null).addNullableBytes(Uint8Array.of(9)).flush().subarray(4),
    ]).toEqual([255, 255, 255, 255, 0, 0, 0, 1, 9]);
  });
});
