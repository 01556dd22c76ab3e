import { describe, expect, it } from 'vitest';
import {
  BufferWriter,
  FrontendCode,
  PgError,
  pgNotice,
  serializeAuthenticationOk,
  serializeBackendKeyData,
  serializeCommandComplete,
  serializeDataRow,
  serializeParameterStatus,
  serializePasswordMessage,
  serializeQuery,
  serializeReadyForQuery,
  serializeRowDescription,
  serializeStartup,
  serializeSync,
} from '../protocols/postgres/codec';
import { decodePgFrame, MAX_VALUE_BYTES, valueText } from './pg-frame-decoder';

const utf8 = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const column = (name: string, format = 0) => ({
  name,
  tableOid: 16384,
  attnum: 2,
  typeOid: 25,
  typeSize: -1,
  typeMod: -1,
  format,
});

describe('decodePgFrame', () => {
  it('decodes a startup packet followed by typed messages in the first client frame', () => {
    const startup = serializeStartup({ user: 'agent-1', database: 'shop', application_name: 'psql' });
    const { messages } = decodePgFrame('client', concat(startup, serializeQuery('select 1')));
    expect(messages).toEqual([
      {
        type: 'StartupMessage',
        offset: 0,
        length: startup.length,
        fields: { protocol: '3.0', params: { user: 'agent-1', database: 'shop', application_name: 'psql' } },
      },
      { type: 'Query', offset: startup.length, length: 14, fields: { sql: 'select 1' } },
    ]);
  });

  it('decodes the extended protocol: Parse, Bind (text and binary parameters), Execute, Sync', () => {
    const parse = new BufferWriter(64)
      .addCString('s1')
      .addCString('select $1, $2')
      .addInt16(0)
      .flush(FrontendCode.Parse);
    const bind = new BufferWriter(64)
      .addCString('')
      .addCString('s1')
      .addInt16(2)
      .addInt16(0)
      .addInt16(1)
      .addInt16(2)
      .addInt32(3)
      .addString('abc')
      .addInt32(2)
      .addBytes(new Uint8Array([0, 1]))
      .addInt16(0)
      .flush(FrontendCode.Bind);
    const execute = new BufferWriter(16).addCString('').addInt32(0).flush(FrontendCode.Execute);
    const { messages } = decodePgFrame('client', concat(parse, bind, execute, serializeSync()));
    expect(messages.map((m) => [m.type, m.fields])).toEqual([
      ['Parse', { name: 's1', sql: 'select $1, $2', paramTypes: [] }],
      ['Bind', { portal: '', statement: 's1', params: ['abc', '\\x0001'], resultFormats: [] }],
      ['Execute', { portal: '', maxRows: 0 }],
      ['Sync', {}],
    ]);
  });

  it('never decodes a password message', () => {
    const { messages } = decodePgFrame('client', serializePasswordMessage('eyJhbGciOi.secret.token'));
    expect(messages).toEqual([{ type: 'PasswordMessage', offset: 0, length: 29, fields: {} }]);
    expect(JSON.stringify(messages)).not.toContain('secret');
  });

  it('decodes a result: RowDescription, DataRows (text, NULL, binary by format), CommandComplete, ReadyForQuery', () => {
    const bytes = concat(
      serializeRowDescription([column('email'), column('raw', 1)]),
      serializeDataRow([utf8('a@example.com'), new Uint8Array([0xde, 0xad])]),
      serializeDataRow([null, utf8('AB')]),
      serializeCommandComplete('SELECT 2'),
      serializeReadyForQuery('I'),
    );
    const { messages } = decodePgFrame('server', bytes);
    expect(messages.map((m) => m.type)).toEqual([
      'RowDescription',
      'DataRow',
      'DataRow',
      'CommandComplete',
      'ReadyForQuery',
    ]);
    expect(messages[0]?.fields).toEqual({
      columns: [
        { name: 'email', typeOid: 25, tableOid: 16384, attnum: 2, format: 0 },
        { name: 'raw', typeOid: 25, tableOid: 16384, attnum: 2, format: 1 },
      ],
    });
    expect(messages[1]?.fields).toEqual({ values: ['a@example.com', '\\xdead'] });
    expect(messages[2]?.fields).toEqual({ values: [null, '\\x4142'] });
    expect(messages[3]?.fields).toEqual({ tag: 'SELECT 2' });
    expect(messages[4]?.fields).toEqual({ status: 'I' });
    // Offsets locate each message in the frame.
    let at = 0;
    for (const m of messages) {
      expect(m.offset).toBe(at);
      at += m.length;
    }
    expect(at).toBe(bytes.length);
  });

  it('decodes ErrorResponse and NoticeResponse fields by name', () => {
    const error = PgError.error('42501', 'statement denied by policy', { hint: 'ask an approver' }).toBytes();
    const notice = pgNotice('held for approval', { code: '01000' });
    const { messages } = decodePgFrame('server', concat(error, notice));
    expect(messages[0]).toMatchObject({
      type: 'ErrorResponse',
      fields: { severity: 'ERROR', code: '42501', message: 'statement denied by policy', hint: 'ask an approver' },
    });
    expect(messages[1]).toMatchObject({
      type: 'NoticeResponse',
      fields: { code: '01000', message: 'held for approval' },
    });
  });

  it('decodes the gateway hello, keeping the cancel secret out', () => {
    const { messages } = decodePgFrame(
      'server',
      concat(
        serializeAuthenticationOk(),
        serializeParameterStatus('server_version', '17.2'),
        serializeBackendKeyData(42, 987654),
      ),
    );
    expect(messages.map((m) => [m.type, m.fields])).toEqual([
      ['AuthenticationOk', {}],
      ['ParameterStatus', { name: 'server_version', value: '17.2' }],
      ['BackendKeyData', { pid: 42 }],
    ]);
  });

  it('marks a cut-off tail Partial and a malformed message Invalid without throwing', () => {
    const query = serializeQuery('select 1');
    const cut = decodePgFrame('client', query.subarray(0, 9));
    expect(cut.messages).toEqual([{ type: 'Partial', offset: 0, length: 9, fields: { reason: 'incomplete message' } }]);
    const junk = new Uint8Array([0x5a, 0, 0, 0, 6, 0x49, 0x49]); // ReadyForQuery with a byte too many
    const bad = decodePgFrame('server', concat(junk, serializeCommandComplete('SELECT 1')));
    expect(bad.messages[0]).toMatchObject({ type: 'Invalid', offset: 0, length: 7, fields: { code: 'Z' } });
    expect(bad.messages[1]).toMatchObject({ type: 'CommandComplete', fields: { tag: 'SELECT 1' } });
    expect(decodePgFrame('server', new Uint8Array([0x44, 0xff, 0xff, 0xff, 0xff])).messages[0]?.type).toBe('Partial');
  });

  it('cuts long values, on a character boundary', () => {
    const long = `${'é'.repeat(MAX_VALUE_BYTES)}`; // 2 bytes each
    const shown = valueText(utf8(long), 0) ?? '';
    expect(shown.length).toBe(MAX_VALUE_BYTES / 2);
    const { messages } = decodePgFrame('server', serializeDataRow([utf8(long)]));
    expect(messages[0]?.fields).toMatchObject({ truncated: true });
  });

  it('shows values of unknown format as text only when they look like text', () => {
    expect(valueText(utf8('plain text\twith tab'), undefined)).toBe('plain text\twith tab');
    expect(valueText(new Uint8Array([0, 1, 2]), undefined)).toBe('\\x000102');
    expect(valueText(new Uint8Array([0xff, 0xfe]), undefined)).toBe('\\xfffe');
    expect(valueText(null, 0)).toBeNull();
  });
});
