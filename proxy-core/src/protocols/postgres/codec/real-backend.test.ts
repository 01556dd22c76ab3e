import { PGlite } from '@electric-sql/pglite';
import { serialize as pgSerialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataRowValues, parseBackend } from './backend-parser';
import { serializeDataRow } from './backend-serializer';
import { MessageFramer, type PgFrame } from './framer';
import { serializeQuery } from './frontend-serializer';
import { BackendCode } from './message-codes';
import type { BackendMessage } from './messages.types';
import { concat, text, utf8 } from './testing/buffer-list';
import { frameOf } from './testing/frames';

/**
 * The codec against a real PostgreSQL backend: PGlite (PostgreSQL compiled to WASM, in process),
 * whose `execProtocolRaw` answers wire-protocol bytes with wire-protocol bytes.
 */
let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    create table customers (id int primary key, email text, ssn text);
    insert into customers values (1, 'alice@example.com', '123-45-6789'), (2, null, '987-65-4321');
  `);
});

afterAll(async () => {
  await db?.close();
});

/** Sends `request`, frames the answer in 7-byte chunks (so messages straddle chunks) and parses every message. */
async function exchange(request: Uint8Array): Promise<{ frames: PgFrame[]; messages: BackendMessage[] }> {
  const response = await db.execProtocolRaw(request);
  const framer = new MessageFramer({ startup: false, maxMessageSize: 1 << 20 });
  const frames: PgFrame[] = [];
  for (let i = 0; i < response.length; i += 7) {
    framer.push(response.slice(i, i + 7));
    for (let f = framer.next(); f; f = framer.next()) frames.push(f);
  }
  expect(framer.buffered).toBe(0);
  return { frames, messages: frames.map(parseBackend) };
}

describe('against PGlite', () => {
  it('parses a simple query result, with column origins matching pg_attribute', async () => {
    const { messages } = await exchange(
      serializeQuery('select id, email, upper(ssn) as ssn_up from customers order by id'),
    );
    expect(messages.map((m) => m.type)).toEqual([
      'row-description',
      'data-row',
      'data-row',
      'command-complete',
      'ready-for-query',
    ]);
    const [desc, row1, row2, done] = messages;
    if (desc?.type !== 'row-description') throw new Error('no RowDescription');
    const attrs = await db.query<{ oid: number; attnum: number; attname: string }>(
      "select 'customers'::regclass::oid as oid, attnum, attname from pg_attribute where attrelid = 'customers'::regclass and attnum > 0",
    );
    const attnum = (name: string) => attrs.rows.find((r) => r.attname === name)?.attnum;
    expect(desc.fields.map((f) => [f.name, f.tableOid, f.attnum])).toEqual([
      ['id', attrs.rows[0]?.oid, attnum('id')],
      ['email', attrs.rows[0]?.oid, attnum('email')],
      ['ssn_up', 0, 0], // an expression: no origin, which is why content detectors exist
    ]);
    expect(row1?.type === 'data-row' && row1.values.map(text)).toEqual(['1', 'alice@example.com', '123-45-6789']);
    expect(row2?.type === 'data-row' && row2.values.map(text)).toEqual(['2', null, '987-65-4321']);
    expect(done).toEqual({ type: 'command-complete', tag: 'SELECT 2' });
  });

  it('re-encodes real DataRows byte for byte, and masked ones that PostgreSQL clients can read', async () => {
    const { frames } = await exchange(serializeQuery('select email, ssn from customers order by id'));
    const rows = frames.filter((f) => f.code === BackendCode.DataRow);
    for (const row of rows) expect(serializeDataRow(dataRowValues(row.payload))).toEqual(row.bytes);
    const masked = serializeDataRow(dataRowValues((rows[0] as PgFrame).payload).map((v) => (v ? utf8('***') : v)));
    expect(parseBackend(frameOf(masked))).toEqual({ type: 'data-row', values: [utf8('***'), utf8('***')] });
  });

  it('parses an extended-protocol exchange sent by node-postgres', async () => {
    const request = concat(
      [
        pgSerialize.parse({ name: 's1', text: 'select email from customers where id = $1', types: [23] }),
        pgSerialize.describe({ type: 'S', name: 's1' }),
        pgSerialize.bind({ statement: 's1', values: ['1'] }),
        pgSerialize.execute({ rows: 0 }),
        pgSerialize.sync(),
      ].map((b) => new Uint8Array(b)),
    );
    const { messages } = await exchange(request);
    expect(messages.map((m) => m.type)).toEqual([
      'parse-complete',
      'parameter-description',
      'row-description',
      'bind-complete',
      'data-row',
      'command-complete',
      'ready-for-query',
    ]);
    expect(messages[1]).toEqual({ type: 'parameter-description', typeOids: [23] });
  });

  it('parses a real ErrorResponse', async () => {
    const { messages } = await exchange(serializeQuery('select * from no_such_table'));
    const [error, ready] = messages;
    expect(error).toMatchObject({
      type: 'error-response',
      fields: { S: 'ERROR', V: 'ERROR', C: '42P01', M: 'relation "no_such_table" does not exist', P: '15' },
    });
    expect(ready).toEqual({ type: 'ready-for-query', status: 0x49 });
  });
});
