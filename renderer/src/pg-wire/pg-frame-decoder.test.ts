import { describe, expect, it } from 'vitest';
import { decodePgFrame, MAX_MESSAGES } from './pg-frame-decoder';
import { MAX_VALUE_BYTES, valueText } from './pg-values';
import {
  bind,
  commandComplete,
  concat,
  copyData,
  dataRow,
  errorFields,
  execute,
  PgBytes,
  parse,
  password,
  query,
  readyForQuery,
  rowDescription,
  startup,
  sync,
} from './testing/pg-bytes';

const types = (direction: 'client' | 'server', data: Uint8Array) =>
  decodePgFrame(direction, data).messages.map((m) => m.type);

describe('decodePgFrame (client)', () => {
  it('decodes the startup packet and a Query in the first client frame', () => {
    const hello = startup({ user: 'agent-1', database: 'shop' });
    const { messages } = decodePgFrame('client', concat(hello, query('select 1')));
    expect(messages).toEqual([
      {
        type: 'StartupMessage',
        offset: 0,
        length: hello.length,
        fields: { protocol: '3.0', params: { user: 'agent-1', database: 'shop' } },
      },
      { type: 'Query', offset: hello.length, length: 14, fields: { sql: 'select 1' } },
    ]);
  });

  it('recognises an SSLRequest', () => {
    expect(types('client', new PgBytes().int32(80877103).packet())).toEqual(['SSLRequest']);
  });

  it('decodes the extended protocol: Parse, Bind with text and binary parameters, Execute, Sync', () => {
    const frame = concat(
      parse('s1', 'select $1, $2', [25]),
      bind('s1', ['42', new Uint8Array([0, 0, 0, 7])], [0, 1]),
      execute(),
      sync(),
    );
    const { messages } = decodePgFrame('client', frame);
    expect(messages.map((m) => [m.type, m.fields])).toEqual([
      ['Parse', { name: 's1', sql: 'select $1, $2', paramTypes: [25] }],
      ['Bind', { portal: '', statement: 's1', params: ['42', '\\x00000007'], resultFormats: [] }],
      ['Execute', { portal: '', maxRows: 0 }],
      ['Sync', {}],
    ]);
    // Offsets and lengths tile the frame.
    const last = messages.at(-1);
    expect(last && last.offset + last.length).toBe(frame.length);
  });

  it('never decodes a password message (it carries the agent token)', () => {
    const { messages } = decodePgFrame('client', password('eyJhbGciOi.secret'));
    expect(messages).toEqual([{ type: 'PasswordMessage', offset: 0, length: 23, fields: {} }]);
    expect(JSON.stringify(messages)).not.toContain('secret');
  });

  it('decodes CopyData from the client', () => {
    const [message] = decodePgFrame('client', copyData('1\tada\n')).messages;
    expect(message).toMatchObject({ type: 'CopyData', fields: { size: 6, data: '1\tada\n' } });
  });
});

describe('decodePgFrame (server)', () => {
  it('decodes a result: RowDescription, DataRows (text, NULL), CommandComplete, ReadyForQuery', () => {
    const frame = concat(
      rowDescription([{ name: 'email' }, { name: 'note' }]),
      dataRow(['a***@example.com', null]),
      commandComplete('SELECT 1'),
      readyForQuery('I'),
    );
    const { messages, truncated } = decodePgFrame('server', frame);
    expect(truncated).toBe(false);
    expect(messages.map((m) => [m.type, m.fields])).toEqual([
      [
        'RowDescription',
        {
          columns: [
            { name: 'email', typeOid: 25, tableOid: 16384, attnum: 2, format: 0 },
            { name: 'note', typeOid: 25, tableOid: 16384, attnum: 2, format: 0 },
          ],
        },
      ],
      ['DataRow', { values: ['a***@example.com', null] }],
      ['CommandComplete', { tag: 'SELECT 1' }],
      ['ReadyForQuery', { status: 'I' }],
    ]);
  });

  it('shows binary-format columns as bytea hex', () => {
    const frame = concat(rowDescription([{ name: 'n', format: 1 }]), dataRow([new Uint8Array([0, 0, 0, 42])]));
    expect(decodePgFrame('server', frame).messages[1]?.fields).toEqual({ values: ['\\x0000002a'] });
  });

  it('names the fields of ErrorResponse and NoticeResponse', () => {
    const frame = concat(
      errorFields('E', { S: 'ERROR', C: '42501', M: 'denied by policy', H: 'ask an approver' }),
      errorFields('N', { S: 'NOTICE', M: 'relation exists, skipping' }),
    );
    expect(decodePgFrame('server', frame).messages.map((m) => [m.type, m.fields])).toEqual([
      ['ErrorResponse', { severity: 'ERROR', code: '42501', message: 'denied by policy', hint: 'ask an approver' }],
      ['NoticeResponse', { severity: 'NOTICE', message: 'relation exists, skipping' }],
    ]);
  });

  it('decodes session setup messages without the cancel secret', () => {
    const frame = concat(
      new PgBytes().int32(0).message('R'),
      new PgBytes().cstring('server_version').cstring('17.2').message('S'),
      new PgBytes().int32(4242).int32(0x5ec7e7).message('K'),
      readyForQuery(),
    );
    expect(decodePgFrame('server', frame).messages.map((m) => [m.type, m.fields])).toEqual([
      ['AuthenticationOk', {}],
      ['ParameterStatus', { name: 'server_version', value: '17.2' }],
      ['BackendKeyData', { pid: 4242 }],
      ['ReadyForQuery', { status: 'I' }],
    ]);
  });
});

describe('decodePgFrame (framing)', () => {
  const whole = concat(query('select 1'), query('select 2'));

  it('decodes many messages in one frame', () => {
    expect(types('client', whole)).toEqual(['Query', 'Query']);
  });

  it('marks a message cut at its start, middle or end as Partial', () => {
    const first = query('select 1').length;
    for (const cut of [first + 1, first + 7, whole.length - 1]) {
      const { messages } = decodePgFrame('client', whole.subarray(0, cut));
      expect(messages.map((m) => m.type)).toEqual(['Query', 'Partial']);
      expect(messages[1]).toMatchObject({ offset: first, length: cut - first });
    }
  });

  it('reports a body that does not match its type as Invalid and goes on', () => {
    const bad = new PgBytes()
      .cstring('no-terminator')
      .raw(new Uint8Array([0x41]))
      .message('E');
    const truncatedBody = concat(new Uint8Array([0x45, 0, 0, 0, 6, 0x53, 0x41]), readyForQuery());
    expect(types('client', concat(new PgBytes().raw(new Uint8Array([1])).message('?'), query('x')))).toEqual([
      'Invalid',
      'Query',
    ]);
    expect(decodePgFrame('server', truncatedBody).messages.map((m) => m.type)).toEqual(['Invalid', 'ReadyForQuery']);
    expect(decodePgFrame('client', bad).messages[0]).toMatchObject({ type: 'Invalid', fields: { code: 'E' } });
  });

  it('refuses what the gateway refuses: trailing bytes, mismatched Bind formats, a startup without user', () => {
    const trailing = new PgBytes().byte(0x49).byte(0x49).message('Z');
    expect(decodePgFrame('server', trailing).messages[0]).toEqual({
      type: 'Invalid',
      offset: 0,
      length: 7,
      fields: { code: 'Z', error: '1 unexpected bytes at the end of ReadyForQuery' },
    });
    expect(decodePgFrame('client', bind('', ['1', '2', '3'], [0, 1])).messages[0]?.fields).toMatchObject({
      error: 'Bind has 2 parameter formats but 3 parameters',
    });
    expect(decodePgFrame('client', startup({ database: 'shop' })).messages[0]).toMatchObject({
      type: 'Invalid',
      fields: { error: 'no PostgreSQL user name specified in startup packet' },
    });
  });

  it('refuses a length shorter than itself', () => {
    const { messages } = decodePgFrame('server', new Uint8Array([0x5a, 0, 0, 0, 2, 0x49]));
    expect(messages).toEqual([{ type: 'Partial', offset: 0, length: 6, fields: { reason: 'incomplete message' } }]);
  });

  it('stops after MAX_MESSAGES and says so', () => {
    const one = readyForQuery();
    const many = new Uint8Array(one.length * (MAX_MESSAGES + 5));
    for (let i = 0; i < MAX_MESSAGES + 5; i += 1) many.set(one, i * one.length);
    const decoded = decodePgFrame('server', many);
    expect(decoded.truncated).toBe(true);
    expect(decoded.messages).toHaveLength(MAX_MESSAGES);
  });
});

describe('valueText', () => {
  it('shows text as text and binary as bytea hex', () => {
    expect(valueText(new TextEncoder().encode('héllo'), 0)).toBe('héllo');
    expect(valueText(new Uint8Array([1, 2]), undefined)).toBe('\\x0102');
    expect(valueText(new TextEncoder().encode('plain'), 1)).toBe('\\x706c61696e');
    expect(valueText(null, 0)).toBeNull();
  });

  it('cuts long values without breaking a character', () => {
    const long = new TextEncoder().encode(`${'a'.repeat(MAX_VALUE_BYTES - 1)}é and more`);
    expect(valueText(long, 0)).toBe('a'.repeat(MAX_VALUE_BYTES - 1));
  });
});
