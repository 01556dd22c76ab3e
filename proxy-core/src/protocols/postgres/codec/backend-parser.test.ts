import { describe, expect, it } from 'vitest';
import { dataRowValues, parseAuthentication, parseBackend } from './backend-parser';
import { ProtocolError } from './errors';
import { AuthCode, TransactionStatus } from './message-codes';
import { BufferList, text, utf8 } from './testing/buffer-list';
import { frameOf } from './testing/frames';

const parse = (bytes: Uint8Array) => parseBackend(frameOf(bytes));
const auth = (build: (b: BufferList) => BufferList) => parse(build(new BufferList()).join(true, 'R'));

describe('parseBackend', () => {
  describe('Authentication*', () => {
    it('reads Ok, cleartext and MD5 (with its salt)', () => {
      expect(auth((b) => b.addInt32(0))).toEqual({ type: 'authentication-ok', code: AuthCode.Ok });
      expect(auth((b) => b.addInt32(3))).toEqual({ type: 'authentication-cleartext-password', code: 3 });
      expect(auth((b) => b.addInt32(5).add([1, 2, 3, 4]))).toEqual({
        type: 'authentication-md5-password',
        code: 5,
        salt: Uint8Array.of(1, 2, 3, 4),
      });
    });

    it('reads the SASL mechanism list, SASLContinue and SASLFinal', () => {
      const list = auth((b) => b.addInt32(10).addCString('SCRAM-SHA-256-PLUS').addCString('SCRAM-SHA-256').addByte(0));
      expect(list).toEqual({
        type: 'authentication-sasl',
        code: 10,
        mechanisms: ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'],
      });
      expect(auth((b) => b.addInt32(11).addString('r=abc,s=c2FsdA==,i=4096'))).toEqual({
        type: 'authentication-sasl-continue',
        code: 11,
        data: utf8('r=abc,s=c2FsdA==,i=4096'),
      });
      expect(auth((b) => b.addInt32(12).addString('v=xyz'))).toEqual({
        type: 'authentication-sasl-final',
        code: 12,
        data: utf8('v=xyz'),
      });
    });

    it('says which unsupported method was asked for, and rejects unknown codes', () => {
      expect(auth((b) => b.addInt32(7))).toMatchObject({ type: 'authentication-unsupported', code: AuthCode.GSS });
      expect(() => auth((b) => b.addInt32(99))).toThrow('invalid authentication request code 99');
    });

    it('narrows on the wire code for switch-based callers', () => {
      const message = parseAuthentication(new BufferList().addInt32(5).add([9, 9, 9, 9]).join());
      if (message.code === AuthCode.MD5Password) expect(message.salt).toEqual(Uint8Array.of(9, 9, 9, 9));
      else throw new Error('expected MD5');
    });

    it('rejects a truncated salt and a mechanism list without its terminator', () => {
      expect(() => auth((b) => b.addInt32(5).add([1, 2]))).toThrow(ProtocolError);
      expect(() => auth((b) => b.addInt32(10).addCString('SCRAM-SHA-256'))).toThrow(ProtocolError);
    });
  });

  it('reads ParameterStatus, BackendKeyData and ReadyForQuery', () => {
    expect(parse(new BufferList().addCString('server_version').addCString('16.4').join(true, 'S'))).toEqual({
      type: 'parameter-status',
      name: 'server_version',
      value: '16.4',
    });
    expect(parse(new BufferList().addInt32(31337).addInt32(-559038737).join(true, 'K'))).toEqual({
      type: 'backend-key-data',
      pid: 31337,
      secret: -559038737,
    });
    expect(parse(new BufferList().addChar('T').join(true, 'Z'))).toEqual({
      type: 'ready-for-query',
      status: TransactionStatus.InTransaction,
    });
  });

  it('reads RowDescription with column origin', () => {
    const bytes = new BufferList()
      .addInt16(2)
      .addCString('email')
      .addInt32(16384)
      .addInt16(3)
      .addInt32(25)
      .addInt16(-1)
      .addInt32(-1)
      .addInt16(0)
      .addCString('?column?')
      .addInt32(0)
      .addInt16(0)
      .addInt32(1043)
      .addInt16(-1)
      .addInt32(68)
      .addInt16(1)
      .join(true, 'T');
    expect(parse(bytes)).toEqual({
      type: 'row-description',
      fields: [
        { name: 'email', tableOid: 16384, attnum: 3, typeOid: 25, typeSize: -1, typeMod: -1, format: 0 },
        { name: '?column?', tableOid: 0, attnum: 0, typeOid: 1043, typeSize: -1, typeMod: 68, format: 1 },
      ],
    });
  });

  it('reads DataRow values as views, NULL as null', () => {
    const frame = frameOf(
      new BufferList().addInt16(3).addInt32(5).addString('alice').addInt32(-1).addInt32(0).join(true, 'D'),
    );
    const message = parseBackend(frame);
    expect(message).toEqual({ type: 'data-row', values: [utf8('alice'), null, new Uint8Array(0)] });
    const values = dataRowValues(frame.payload);
    expect(values.map(text)).toEqual(['alice', null, '']);
    expect(values[0]?.buffer).toBe(frame.bytes.buffer);
  });

  it('reads CommandComplete, ErrorResponse and NoticeResponse', () => {
    expect(parse(new BufferList().addCString('SELECT 42').join(true, 'C'))).toEqual({
      type: 'command-complete',
      tag: 'SELECT 42',
    });
    const fields = new BufferList()
      .addChar('S')
      .addCString('ERROR')
      .addChar('V')
      .addCString('ERROR')
      .addChar('C')
      .addCString('42P01')
      .addChar('M')
      .addCString('relation "nope" does not exist')
      .addChar('P')
      .addCString('15')
      .addChar('F')
      .addCString('parse_relation.c')
      .addByte(0);
    const error = parse(fields.join(true, 'E'));
    expect(error).toEqual({
      type: 'error-response',
      fields: {
        S: 'ERROR',
        V: 'ERROR',
        C: '42P01',
        M: 'relation "nope" does not exist',
        P: '15',
        F: 'parse_relation.c',
      },
    });
    expect(parse(fields.join(true, 'N')).type).toBe('notice-response');
  });

  it('reads ParameterDescription, NotificationResponse and the Copy responses', () => {
    expect(parse(new BufferList().addInt16(2).addInt32(23).addInt32(25).join(true, 't'))).toEqual({
      type: 'parameter-description',
      typeOids: [23, 25],
    });
    expect(parse(new BufferList().addInt32(77).addCString('orders').addCString('{"id":1}').join(true, 'A'))).toEqual({
      type: 'notification-response',
      pid: 77,
      channel: 'orders',
      payload: '{"id":1}',
    });
    const copy = (code: string) =>
      parse(new BufferList().addByte(0).addInt16(2).addInt16(0).addInt16(0).join(true, code));
    expect(copy('G')).toEqual({ type: 'copy-in-response', format: 0, columnFormats: [0, 0] });
    expect(copy('H')).toMatchObject({ type: 'copy-out-response' });
    expect(copy('W')).toMatchObject({ type: 'copy-both-response' });
    expect(parse(new BufferList().addString('1\tx\n').join(true, 'd'))).toEqual({
      type: 'copy-data',
      data: utf8('1\tx\n'),
    });
  });

  it('reads the bodyless messages', () => {
    const types = ['I', 'n', '1', '2', '3', 's', 'c'].map((code) => parse(new BufferList().join(true, code)).type);
    expect(types).toEqual([
      'empty-query-response',
      'no-data',
      'parse-complete',
      'bind-complete',
      'close-complete',
      'portal-suspended',
      'copy-done',
    ]);
  });

  it('reads FunctionCallResponse and NegotiateProtocolVersion', () => {
    expect(parse(new BufferList().addInt32(-1).join(true, 'V'))).toEqual({
      type: 'function-call-response',
      result: null,
    });
    expect(parse(new BufferList().addInt32(0).addInt32(1).addCString('_pq_.compression').join(true, 'v'))).toEqual({
      type: 'negotiate-protocol-version',
      newestMinor: 0,
      unrecognized: ['_pq_.compression'],
    });
  });

  describe('malformed messages', () => {
    it('rejects unknown types and trailing bytes', () => {
      expect(() => parse(new BufferList().join(true, 'q'))).toThrow('invalid backend message type 113');
      expect(() => parse(new BufferList().addByte(0).join(true, '1'))).toThrow(
        "1 unexpected bytes in 'parse-complete'",
      );
      expect(() => parse(new BufferList().addCString('SELECT 1').addByte(0).join(true, 'C'))).toThrow(
        '1 unexpected bytes',
      );
    });

    it('rejects DataRows whose lengths lie', () => {
      const row = (b: BufferList) => frameOf(b.join(true, 'D')).payload;
      expect(() => dataRowValues(row(new BufferList().addInt16(1).addInt32(10).addString('abc')))).toThrow(
        'runs past the end',
      );
      expect(() => dataRowValues(row(new BufferList().addInt16(2).addInt32(-1)))).toThrow(
        'column 1 length runs past the end',
      );
      expect(() => dataRowValues(row(new BufferList().addInt16(1).addInt32(-7)))).toThrow('length -7');
      expect(() => dataRowValues(row(new BufferList().addInt16(0).addByte(1)))).toThrow(
        '1 unexpected bytes at the end of DataRow',
      );
      expect(() => dataRowValues(Uint8Array.of(0))).toThrow(ProtocolError);
    });

    it('rejects an ErrorResponse without its final zero', () => {
      expect(() => parse(new BufferList().addChar('M').addCString('x').join(true, 'E'))).toThrow(ProtocolError);
    });
  });
});
