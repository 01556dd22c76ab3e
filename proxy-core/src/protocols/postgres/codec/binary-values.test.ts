import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBackend } from './backend-parser';
import { binaryValueText } from './binary-values';
import { MessageFramer } from './framer';
import { serializeQuery, serializeSync } from './frontend-serializer';
import type { BackendMessage } from './messages.types';
import { text } from './testing/buffer-list';
import { bind, execute, parse } from './testing/frontend-messages';

/** Each value as PostgreSQL itself prints it in text format, against what binaryValueText makes of its binary form. */
const VALUES = [
  'true',
  'false',
  "'\\x00ff10'::bytea",
  '32767::int2',
  '(-2147483648)::int4',
  '9223372036854775807::int8',
  '4294967295::oid',
  '1.5::float4',
  '0.1::float4',
  '3.4028235e38::float4',
  "'-Infinity'::float4",
  '(-0.1)::float8',
  '1e300::float8',
  "'NaN'::float8",
  "'héllo wörld'::text",
  "'x'::varchar",
  "'ab'::char(3)",
  "'pg'::name",
  '\'{"a": [1, 2]}\'::json',
  '\'{"b": 1, "a": [1, 2]}\'::jsonb',
  "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
  "'2024-02-29'::date",
  "'1970-01-01'::date",
  "'infinity'::date",
  "'2024-02-29 13:14:15.123456'::timestamp",
  "'1999-12-31 23:59:59.5'::timestamp",
  "'1969-07-20 20:17:40'::timestamp",
  "'-infinity'::timestamp",
  "'2024-02-29 13:14:15+02'::timestamptz",
  '0::numeric',
  '123.45::numeric',
  '(-0.0001)::numeric',
  '10000::numeric',
  '0.000000000123::numeric(20,12)',
  "'NaN'::numeric",
  '12345678901234567890.123::numeric',
  '1e-20::numeric',
];

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec("SET TimeZone = 'UTC'");
});

afterAll(async () => {
  await db?.close();
});

async function messagesOf(request: Uint8Array): Promise<BackendMessage[]> {
  const framer = new MessageFramer({ startup: false, maxMessageSize: 1 << 20 });
  framer.push(await db.execProtocolRaw(request));
  const out: BackendMessage[] = [];
  for (let f = framer.next(); f; f = framer.next()) out.push(parseBackend(f));
  return out;
}

describe('binaryValueText: binary values as PostgreSQL prints them', () => {
  it.each(VALUES)('%s', async (expression) => {
    const sql = `SELECT ${expression}`;
    const [textRow] = (await messagesOf(serializeQuery(sql))).filter((m) => m.type === 'data-row');
    const binary = await messagesOf(
      Buffer.concat([parse('', sql), bind('', '', [], true), execute(), serializeSync()]),
    );
    const [row] = binary.filter((m) => m.type === 'data-row');
    const [description] = (await messagesOf(serializeQuery(`${sql} LIMIT 0`))).filter(
      (m) => m.type === 'row-description',
    );
    if (textRow?.type !== 'data-row' || row?.type !== 'data-row' || description?.type !== 'row-description')
      throw new Error(`no row for ${sql}`);
    const oid = description.fields[0]?.typeOid as number;
    expect(binaryValueText(oid, row.values[0] as Uint8Array)).toBe(text(textRow.values[0] ?? null));
  });

  it('a type it does not cover, or bytes that do not fit the type, give undefined', () => {
    expect(binaryValueText(600, new Uint8Array(16))).toBeUndefined(); // point
    expect(binaryValueText(23, new Uint8Array(3))).toBeUndefined();
    expect(binaryValueText(1700, new Uint8Array(5))).toBeUndefined();
  });
});
