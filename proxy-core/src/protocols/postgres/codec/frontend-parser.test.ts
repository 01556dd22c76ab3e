import { serialize as pgSerialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { BufferReader } from './buffer-reader';
import { ProtocolError } from './errors';
import { parseBind, parseFrontend, parseParse } from './frontend-parser';
import {
  serializeFlush,
  serializePasswordMessage,
  serializeQuery,
  serializeSaslInitialResponse,
  serializeSaslResponse,
  serializeSync,
  serializeTerminate,
} from './frontend-serializer';
import { BufferList, utf8 } from './testing/buffer-list';
import { frameOf } from './testing/frames';

const parse = (bytes: Uint8Array, passwordKind?: 'password' | 'sasl-initial-response' | 'sasl-response') =>
  parseFrontend(frameOf(bytes), { passwordKind });

describe('parseFrontend', () => {
  it('reads Query', () => {
    expect(parse(new BufferList().addCString('select 1; select 2').join(true, 'Q'))).toEqual({
      type: 'query',
      query: 'select 1; select 2',
    });
  });

  it('reads Parse with parameter type OIDs (unsigned)', () => {
    const bytes = new BufferList()
      .addCString('s1')
      .addCString('select $1::int, $2')
      .addInt16(2)
      .addInt32(23)
      .addInt32(0xfffffff0)
      .join(true, 'P');
    expect(parse(bytes)).toEqual({
      type: 'parse',
      name: 's1',
      query: 'select $1::int, $2',
      paramTypes: [23, 0xfffffff0],
    });
  });

  it('reads Bind with NULL, empty and binary parameters as views', () => {
    const bytes = new BufferList()
      .addCString('p1')
      .addCString('s1')
      .addInt16(3)
      .addInt16(0)
      .addInt16(0)
      .addInt16(1)
      .addInt16(3)
      .addInt32(-1)
      .addInt32(0)
      .addInt32(4)
      .add([0, 0, 0, 42])
      .addInt16(1)
      .addInt16(1)
      .join(true, 'B');
    const frame = frameOf(bytes);
    const bind = parseFrontend(frame);
    expect(bind).toEqual({
      type: 'bind',
      portal: 'p1',
      statement: 's1',
      paramFormats: [0, 0, 1],
      params: [null, new Uint8Array(0), Uint8Array.of(0, 0, 0, 42)],
      resultFormats: [1],
    });
    if (bind.type !== 'bind') throw new Error('not bind');
    expect(bind.params[2]?.buffer).toBe(frame.bytes.buffer);
  });

  it('reads Execute, Describe and Close', () => {
    expect(parse(new BufferList().addCString('p1').addInt32(100).join(true, 'E'))).toEqual({
      type: 'execute',
      portal: 'p1',
      maxRows: 100,
    });
    expect(parse(new BufferList().addChar('S').addCString('s1').join(true, 'D'))).toEqual({
      type: 'describe',
      target: 'S',
      name: 's1',
    });
    expect(parse(new BufferList().addChar('P').addCString('').join(true, 'C'))).toEqual({
      type: 'close',
      target: 'P',
      name: '',
    });
  });

  it('reads the bodyless messages', () => {
    expect(parse(serializeSync())).toEqual({ type: 'sync' });
    expect(parse(serializeFlush())).toEqual({ type: 'flush' });
    expect(parse(serializeTerminate())).toEqual({ type: 'terminate' });
    expect(parse(new BufferList().join(true, 'c'))).toEqual({ type: 'copy-done' });
  });

  it('reads CopyData, CopyFail and FunctionCall', () => {
    expect(parse(new BufferList().addString('1\talice\n').join(true, 'd'))).toEqual({
      type: 'copy-data',
      data: utf8('1\talice\n'),
    });
    expect(parse(new BufferList().addCString('aborted by user').join(true, 'f'))).toEqual({
      type: 'copy-fail',
      message: 'aborted by user',
    });
    const call = new BufferList()
      .addInt32(1598)
      .addInt16(1)
      .addInt16(1)
      .addInt16(2)
      .addInt32(1)
      .addByte(9)
      .addInt32(-1)
      .addInt16(1);
    expect(parse(call.join(true, 'F'))).toEqual({
      type: 'function-call',
      functionOid: 1598,
      argFormats: [1],
      args: [Uint8Array.of(9), null],
      resultFormat: 1,
    });
  });

  it("reads 'p' as the kind of password message the session expects", () => {
    expect(parse(serializePasswordMessage('eyJhbGciOi.token'))).toEqual({
      type: 'password',
      password: 'eyJhbGciOi.token',
    });
    const initial = serializeSaslInitialResponse('SCRAM-SHA-256', utf8('n,,n=,r=abc'));
    expect(parse(initial, 'sasl-initial-response')).toEqual({
      type: 'sasl-initial-response',
      mechanism: 'SCRAM-SHA-256',
      data: utf8('n,,n=,r=abc'),
    });
    const noData = new BufferList().addCString('SCRAM-SHA-256').addInt32(-1).join(true, 'p');
    expect(parse(noData, 'sasl-initial-response')).toMatchObject({ data: null });
    expect(parse(serializeSaslResponse(utf8('c=biws,r=abc,p=xyz')), 'sasl-response')).toEqual({
      type: 'sasl-response',
      data: utf8('c=biws,r=abc,p=xyz'),
    });
  });

  it('round-trips serializeQuery with non-ASCII text', () => {
    expect(parse(serializeQuery("select 'naïve ☃'"))).toEqual({ type: 'query', query: "select 'naïve ☃'" });
  });

  describe('bytes from node-postgres (pg-protocol serializer)', () => {
    it('reads its extended-protocol batch', () => {
      const batch = [
        pgSerialize.parse({ name: 'q1', text: 'select * from customers where id = $1', types: [23] }),
        pgSerialize.bind({ statement: 'q1', portal: '', values: ['42', null] }),
        pgSerialize.describe({ type: 'P', name: '' }),
        pgSerialize.execute({ portal: '', rows: 0 }),
        pgSerialize.sync(),
      ].map((b) => parse(new Uint8Array(b)));
      expect(batch).toEqual([
        { type: 'parse', name: 'q1', query: 'select * from customers where id = $1', paramTypes: [23] },
        {
          type: 'bind',
          portal: '',
          statement: 'q1',
          paramFormats: [0, 0],
          params: [utf8('42'), null],
          resultFormats: [0],
        },
        { type: 'describe', target: 'P', name: '' },
        { type: 'execute', portal: '', maxRows: 0 },
        { type: 'sync' },
      ]);
    });

    it('agrees byte for byte on what both serialize', () => {
      expect(serializeQuery('select 1')).toEqual(new Uint8Array(pgSerialize.query('select 1')));
      expect(serializePasswordMessage('pw')).toEqual(new Uint8Array(pgSerialize.password('pw')));
      expect(serializeSaslInitialResponse('SCRAM-SHA-256', utf8('n,,n=*,r=x'))).toEqual(
        new Uint8Array(pgSerialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=x')),
      );
      expect(serializeSaslResponse(utf8('c=biws'))).toEqual(
        new Uint8Array(pgSerialize.sendSCRAMClientFinalMessage('c=biws')),
      );
      expect(serializeSync()).toEqual(new Uint8Array(pgSerialize.sync()));
      expect(serializeTerminate()).toEqual(new Uint8Array(pgSerialize.end()));
      expect(serializeFlush()).toEqual(new Uint8Array(pgSerialize.flush()));
    });
  });

  describe('malformed messages', () => {
    const fails = (bytes: Uint8Array, message: string) => {
      expect(() => parse(bytes)).toThrow(ProtocolError);
      expect(() => parse(bytes)).toThrow(message);
    };

    it('rejects unknown message types', () => {
      fails(new BufferList().join(true, 'Z'), 'invalid frontend message type 90');
    });

    it('rejects trailing bytes', () => {
      fails(
        new BufferList().addCString('select 1').addByte(1).join(true, 'Q'),
        "1 unexpected bytes at the end of 'query'",
      );
      fails(new BufferList().addByte(0).join(true, 'S'), "1 unexpected bytes at the end of 'sync'");
    });

    it('rejects a Query without its terminator', () => {
      fails(new BufferList().addString('select 1').join(true, 'Q'), 'missing terminator');
    });

    it('rejects a bad Describe / Close target', () => {
      fails(new BufferList().addChar('X').addCString('').join(true, 'D'), 'invalid DESCRIBE message subtype 88');
      fails(new BufferList().addChar('X').addCString('').join(true, 'C'), 'invalid CLOSE message subtype 88');
    });

    it('rejects a Bind whose parameter length runs past the end', () => {
      const bytes = new BufferList()
        .addCString('')
        .addCString('')
        .addInt16(0)
        .addInt16(1)
        .addInt32(1000)
        .addString('x');
      fails(bytes.join(true, 'B'), 'message too short');
    });

    it('rejects a Bind with a negative parameter length other than -1', () => {
      fails(
        new BufferList().addCString('').addCString('').addInt16(0).addInt16(1).addInt32(-5).join(true, 'B'),
        'invalid value length -5',
      );
    });

    it('rejects a Bind with format codes that match neither 1 nor the parameter count', () => {
      const bytes = new BufferList().addCString('').addCString('').addInt16(2).addInt16(0).addInt16(0);
      bytes.addInt16(3).addInt32(-1).addInt32(-1).addInt32(-1).addInt16(0);
      fails(bytes.join(true, 'B'), 'bind message has 2 parameter formats but 3 parameters');
    });

    it('rejects a Parse claiming more parameter types than it has', () => {
      fails(
        new BufferList().addCString('').addCString('select 1').addInt16(0xffff).addInt32(23).join(true, 'P'),
        'message too short',
      );
    });
  });

  it('exposes the per-message parsers over a reader', () => {
    const r = new BufferReader(new BufferList().addCString('n').addCString('select').addInt16(0).join());
    expect(parseParse(r)).toMatchObject({ name: 'n', query: 'select' });
    const b = new BufferReader(
      new BufferList().addCString('').addCString('').addInt16(0).addInt16(0).addInt16(0).join(),
    );
    expect(parseBind(b).params).toEqual([]);
  });
});
