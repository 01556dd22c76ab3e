import { describe, expect, it } from 'vitest';
import { indexDataRow, newDataRowIndex, parseBackend } from './backend-parser';
import { rewriteDataRow, serializeDataRow } from './backend-serializer';
import { ByteSlab } from './byte-slab';
import { utf8 } from './testing/buffer-list';
import { frameOf } from './testing/frames';

describe('ByteSlab', () => {
  it('hands out exact-size views of one buffer, back to back', () => {
    const slab = new ByteSlab(1024);
    const a = slab.alloc(13);
    const b = slab.alloc(20);
    expect([a.length, b.length]).toEqual([13, 20]);
    expect(a.buffer).toBe(b.buffer);
    expect(b.byteOffset).toBe(13);
    a.fill(1);
    b.fill(2);
    expect(a.every((x) => x === 1)).toBe(true);
  });

  it('starts a new slab when the current one is full, and leaves large requests their own buffer', () => {
    const slab = new ByteSlab(64);
    const first = slab.alloc(8);
    const big = slab.alloc(9);
    expect(big.buffer).not.toBe(first.buffer);
    expect(big.byteOffset).toBe(0);
    for (let i = 0; i < 7; i++) slab.alloc(8);
    expect(slab.alloc(0).byteOffset).toBe(64);
    const next = slab.alloc(8);
    expect(next.buffer).not.toBe(first.buffer);
    expect(next.byteOffset).toBe(0);
  });

  it('backs serializeDataRow without changing its bytes', () => {
    const slab = new ByteSlab();
    const values = [utf8('x'), null, utf8('masked')];
    const rows = [serializeDataRow(values, slab), serializeDataRow(values, slab)];
    expect(rows[0]).toEqual(serializeDataRow(values));
    expect(rows[1]).toEqual(serializeDataRow(values));
    expect(parseBackend(frameOf(rows[1] as Uint8Array))).toEqual({ type: 'data-row', values });
  });

  it('backs rewriteDataRow: kept values copied, replaced ones written, NULLs both ways', () => {
    const original = serializeDataRow([utf8('1'), utf8('alice@example.com'), null, utf8('note')]);
    const index = indexDataRow(original.subarray(5), newDataRowIndex(1));
    const slab = new ByteSlab();
    const same = rewriteDataRow(original.subarray(5), index, [], slab);
    expect(same).toEqual(original);
    const replaced = [undefined, utf8('*****'), utf8('now set'), null];
    const row = rewriteDataRow(original.subarray(5), index, replaced, slab);
    expect(parseBackend(frameOf(row))).toEqual({
      type: 'data-row',
      values: [utf8('1'), utf8('*****'), utf8('now set'), null],
    });
    expect(row.byteOffset).toBe(same.byteOffset + same.length);
  });
});
