import { describe, expect, it } from 'vitest';
import { dataRowValues, parseBackend } from './backend-parser';
import {
  serializeAuthenticationCleartextPassword,
  serializeAuthenticationOk,
  serializeBackendKeyData,
  serializeCommandComplete,
  serializeCopyData,
  serializeDataRow,
  serializeEmptyQueryResponse,
  serializeNegotiateProtocolVersion,
  serializeParameterStatus,
  serializeReadyForQuery,
  serializeRowDescription,
} from './backend-serializer';
import { TransactionStatus } from './message-codes';
import type { FieldDescription } from './messages.types';
import { PgError, pgNotice } from './pg-error';
import { SqlState } from './sqlstate';
import { BufferList, utf8 } from './testing/buffer-list';
import { frameOf } from './testing/frames';

const roundTrip = (bytes: Uint8Array) => parseBackend(frameOf(bytes));

describe('backend serializers (serialize → parse)', () => {
  it('AuthenticationOk and AuthenticationCleartextPassword', () => {
    expect(serializeAuthenticationOk()).toEqual(new BufferList().addInt32(0).join(true, 'R'));
    expect(roundTrip(serializeAuthenticationOk())).toMatchObject({ type: 'authentication-ok' });
    expect(roundTrip(serializeAuthenticationCleartextPassword())).toMatchObject({
      type: 'authentication-cleartext-password',
    });
  });

  it('ParameterStatus, BackendKeyData, ReadyForQuery', () => {
    expect(roundTrip(serializeParameterStatus('TimeZone', 'Europe/Zürich'))).toEqual({
      type: 'parameter-status',
      name: 'TimeZone',
      value: 'Europe/Zürich',
    });
    expect(roundTrip(serializeBackendKeyData(12, 0xdeadbeef))).toEqual({
      type: 'backend-key-data',
      pid: 12,
      secret: 0xdeadbeef | 0,
    });
    expect(roundTrip(serializeReadyForQuery(TransactionStatus.Failed))).toEqual({
      type: 'ready-for-query',
      status: 0x45,
    });
    expect(serializeReadyForQuery('I')).toEqual(serializeReadyForQuery(TransactionStatus.Idle));
    expect(serializeReadyForQuery('I')).toEqual(Uint8Array.of(0x5a, 0, 0, 0, 5, 0x49));
  });

  it('RowDescription', () => {
    const fields: FieldDescription[] = [
      { name: 'id', tableOid: 16384, attnum: 1, typeOid: 23, typeSize: 4, typeMod: -1, format: 0 },
      { name: 'électronique', tableOid: 0xfffffffe, attnum: -2, typeOid: 25, typeSize: -1, typeMod: -1, format: 1 },
    ];
    expect(roundTrip(serializeRowDescription(fields))).toEqual({ type: 'row-description', fields });
    expect(roundTrip(serializeRowDescription([]))).toEqual({ type: 'row-description', fields: [] });
  });

  it('DataRow re-encodes values with correct lengths, NULLs and empty values', () => {
    const values = [utf8('a***@example.com'), null, new Uint8Array(0), new Uint8Array(70_000).fill(1)];
    const bytes = serializeDataRow(values);
    expect(bytes.length).toBe(1 + 4 + 2 + 4 * 4 + 16 + 70_000);
    expect(roundTrip(bytes)).toEqual({ type: 'data-row', values });
    expect(serializeDataRow([])).toEqual(new BufferList().addInt16(0).join(true, 'D'));
  });

  it('DataRow re-encoding a parsed row gives back the same bytes', () => {
    const original = new BufferList()
      .addInt16(3)
      .addInt32(3)
      .addString('abc')
      .addInt32(-1)
      .addInt32(1)
      .addString('z')
      .join(true, 'D');
    expect(serializeDataRow(dataRowValues(frameOf(original).payload))).toEqual(original);
  });

  it('CommandComplete, EmptyQueryResponse, NegotiateProtocolVersion, CopyData', () => {
    expect(roundTrip(serializeCommandComplete('INSERT 0 1'))).toEqual({ type: 'command-complete', tag: 'INSERT 0 1' });
    expect(roundTrip(serializeEmptyQueryResponse())).toEqual({ type: 'empty-query-response' });
    expect(roundTrip(serializeNegotiateProtocolVersion(0, ['_pq_.x']))).toEqual({
      type: 'negotiate-protocol-version',
      newestMinor: 0,
      unrecognized: ['_pq_.x'],
    });
    expect(roundTrip(serializeCopyData(utf8('1\t***\n')))).toEqual({ type: 'copy-data', data: utf8('1\t***\n') });
  });
});

describe('PgError', () => {
  it('serializes a FATAL ErrorResponse with S, V, C, M, D, H', () => {
    const bytes = PgError.fatal(SqlState.INVALID_PASSWORD, 'token expired', {
      detail: 'exp was 12:00',
      hint: 'get a new token',
    }).toBytes();
    expect(roundTrip(bytes)).toEqual({
      type: 'error-response',
      fields: { S: 'FATAL', V: 'FATAL', C: '28P01', M: 'token expired', D: 'exp was 12:00', H: 'get a new token' },
    });
    const expected = new BufferList()
      .addChar('S')
      .addCString('FATAL')
      .addChar('V')
      .addCString('FATAL')
      .addChar('C')
      .addCString('28P01')
      .addChar('M')
      .addCString('token expired')
      .addChar('D')
      .addCString('exp was 12:00')
      .addChar('H')
      .addCString('get a new token')
      .addByte(0)
      .join(true, 'E');
    expect(bytes).toEqual(expected);
  });

  it('serializes an ERROR without optional fields, and is a real Error', () => {
    const error = PgError.error(SqlState.INSUFFICIENT_PRIVILEGE, 'DROP is denied by policy agents-default');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('DROP is denied by policy agents-default');
    expect(roundTrip(error.toBytes())).toEqual({
      type: 'error-response',
      fields: { S: 'ERROR', V: 'ERROR', C: '42501', M: 'DROP is denied by policy agents-default' },
    });
  });
});

describe('pgNotice', () => {
  it('serializes a NoticeResponse, 00000 by default', () => {
    expect(roundTrip(pgNotice('held for approval'))).toEqual({
      type: 'notice-response',
      fields: { S: 'NOTICE', V: 'NOTICE', C: '00000', M: 'held for approval' },
    });
    expect(roundTrip(pgNotice('masked 2 columns', { code: '01000', severity: 'WARNING', hint: 'see policy' }))).toEqual(
      {
        type: 'notice-response',
        fields: { S: 'WARNING', V: 'WARNING', C: '01000', M: 'masked 2 columns', H: 'see policy' },
      },
    );
  });
});
