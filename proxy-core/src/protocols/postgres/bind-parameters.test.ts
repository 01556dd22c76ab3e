import { describe, expect, it } from 'vitest';
import { bindParameterTexts, bindRuns } from './bind-parameters';
import { BufferWriter, FrontendCode } from './codec';
import { bind } from './codec/testing/frontend-messages';

/** A Bind with explicit format codes and raw values (bind() in codec/testing sends text values only). */
function rawBind(formats: number[], values: Array<Uint8Array | null>): Uint8Array {
  const w = new BufferWriter(64).addCString('').addCString('s').addInt16(formats.length);
  for (const f of formats) w.addInt16(f);
  w.addInt16(values.length);
  for (const v of values) w.addNullableBytes(v);
  return w.addInt16(0).flush(FrontendCode.Bind);
}

const payloadOf = (message: Uint8Array) => message.subarray(5);

describe('bindParameterTexts: what approvers see of a Bind', () => {
  it('text values as text, NULL as null', () => {
    expect(bindParameterTexts(payloadOf(rawBind([], [Buffer.from('42'), null, Buffer.from('ünï')])))).toEqual([
      '42',
      null,
      'ünï',
    ]);
    expect(bindParameterTexts(payloadOf(bind('', 's', ['a', 'b'])))).toEqual(['a', 'b']);
  });

  it('binary values as PostgreSQL prints their type when the Parse named it, else as \\x hex', () => {
    const int4 = Buffer.from([0, 0, 0, 42]);
    expect(bindParameterTexts(payloadOf(rawBind([1], [int4, int4])))).toEqual(['\\x0000002a', '\\x0000002a']);
    expect(bindParameterTexts(payloadOf(rawBind([1], [int4, int4])), [23, 0])).toEqual(['42', '\\x0000002a']);
    expect(bindParameterTexts(payloadOf(rawBind([0, 1], [Buffer.from('7'), int4])), [0, 23])).toEqual(['7', '42']);
  });

  it('cuts long values and long lists, and says so', () => {
    const [long] = bindParameterTexts(payloadOf(rawBind([], [Buffer.alloc(5000, 'x')])));
    expect(long).toBe(`${'x'.repeat(1000)}… (5000 bytes)`);
    const [hex] = bindParameterTexts(payloadOf(rawBind([1], [Buffer.alloc(3000, 0xab)])));
    expect(hex).toBe(`\\x${'ab'.repeat(500)}… (3000 bytes)`);
    const many = bindParameterTexts(
      payloadOf(
        rawBind(
          [],
          Array.from({ length: 130 }, (_, i) => Buffer.from(String(i))),
        ),
      ),
    );
    expect(many).toHaveLength(101);
    expect(many[99]).toBe('99');
    expect(many[100]).toBe('(30 more parameters not shown)');
  });

  it('a malformed Bind says its parameters could not be read, without throwing', () => {
    const [why] = bindParameterTexts(payloadOf(rawBind([0, 0, 0], [Buffer.from('1')])));
    expect(why).toMatch(
      /^\(the parameters could not be read: bind message has 3 parameter formats but 1 parameters\)$/,
    );
    expect(bindParameterTexts(Buffer.from([0x41]))[0]).toMatch(/could not be read/);
  });
});

describe('bindRuns: the runs of a batch an approval shows', () => {
  it('shows each run, decoded by the types the Parse named', () => {
    const runs = [1, 2, 3].map((i) => payloadOf(rawBind([1], [Buffer.from([0, 0, 0, i])])));
    expect(bindRuns(runs, [23])).toEqual([['1'], ['2'], ['3']]);
  });

  it('stops at 64 KiB of values, but always shows the first run', () => {
    const big = payloadOf(rawBind([], [Buffer.alloc(900, 'v')]));
    const runs = bindRuns(Array.from({ length: 100 }, () => big));
    expect(runs.length).toBe(72); // 72 × 900 characters fit in 65 536, 73 do not
    const huge = payloadOf(
      rawBind(
        [],
        Array.from({ length: 100 }, () => Buffer.alloc(1000, 'h')),
      ),
    );
    expect(bindRuns([huge, huge])).toHaveLength(1);
  });
});
