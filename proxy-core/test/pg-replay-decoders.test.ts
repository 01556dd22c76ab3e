import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { byteSourceFromBytes, openRecording } from '@vigil/recordings';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The IDE's decoder, which replays evidence packets offline: it must show what the gateway's API shows.
import { decodePgFrame as decodeInBrowser } from '../../renderer/src/pg-wire/pg-frame-decoder';
import { decodePgFrame as decodeOnGateway } from '../src/api/pg-frame-decoder';
import { copyOut, eventually, type Harness, startHarness } from './support/gateway-harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.cluster.query(`
    CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2), seen timestamptz, tags text[], doc jsonb, raw bytea);
    INSERT INTO items SELECT g, 'item ' || g, g * 1.5, now(), ARRAY['a', 'b'], jsonb_build_object('n', g), '\\x00ff'::bytea
      FROM generate_series(1, 50) g;
  `);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

function psql(sql: string, token: string): Promise<number | null> {
  const conninfo = `host=${h.host} port=${h.port} dbname=shop user=agent-1 sslmode=prefer`;
  return new Promise((resolve) => {
    const p = spawn('psql', [conninfo, '-X', '-c', sql], {
      env: { ...process.env, PGPASSWORD: token },
      stdio: 'ignore',
    });
    p.on('close', resolve);
  });
}

// Recorded traffic of every kind the IDE decodes (startup, simple and extended protocol, text and binary results,
// errors, notices, notifications, COPY both ways, cancel), decoded by the gateway's API and by the IDE alike.
describe('replay decoding: the IDE and the gateway API agree on every recorded frame', () => {
  it('decodes real sessions message for message, field for field', async () => {
    const token = await h.agentToken();
    await psql('SELECT * FROM items ORDER BY id LIMIT 5; \\d items', token);
    await psql('SELECT 1/0', token);

    const c = await h.client();
    await c.query('SELECT * FROM items WHERE id = $1', [7]);
    await c.query({ name: 'by-price', text: 'SELECT id, price FROM items WHERE price > $1', values: [60] });
    // Binary results (pg's types leave the option out; node-postgres reads it from the query config).
    const binary = {
      text: 'SELECT id, price, seen, tags, doc, raw FROM items WHERE id < $1',
      values: [4],
      binary: true,
    };
    await c.query(binary as pg.QueryConfig);
    await c.query(`DO $$ BEGIN RAISE NOTICE 'notice with detail' USING DETAIL = 'more', HINT = 'a hint'; END $$`);
    await c.query('LISTEN ch');
    await c.query(`NOTIFY ch, 'payload'`);
    await c.query('BEGIN');
    await expect(c.query('SELECT * FROM nowhere')).rejects.toThrow(/nowhere/);
    await c.query('ROLLBACK');
    const copied = await copyOut(c, 'COPY (SELECT id, name FROM items) TO STDOUT');
    await c.query('CREATE TEMP TABLE t (id int, name text)');
    await pipeline(Readable.from(['1\tone\n', '2\ttwo\n']), c.query(copyFrom('COPY t FROM STDIN')));
    await c.end();
    expect(copied.toString()).toContain('item 50');

    await eventually(() => h.gateway.store.listSessions({ limit: 50 }).sessions.every((s) => s.status !== 'live'));
    const sessions = h.gateway.store.listSessions({ limit: 50 }).sessions;
    expect(sessions).toHaveLength(3);
    const types = new Set<string>();
    let binaryRows = 0;
    for (const s of sessions) {
      const recording = await openRecording(byteSourceFromBytes(new Uint8Array(readFileSync(s.recording))));
      for (const frame of await recording.readFrames(0, recording.frameCount)) {
        if (frame.kind !== 'bytes') continue;
        const gateway = decodeOnGateway(frame.direction, frame.data);
        const browser = decodeInBrowser(frame.direction, frame.data);
        expect(browser, `session ${s.id} frame ${frame.n} (${frame.direction})`).toEqual(gateway);
        for (const m of gateway.messages) types.add(m.type);
        const columns = gateway.messages.find((m) => m.type === 'RowDescription')?.fields.columns as
          | Array<{ format: number }>
          | undefined;
        if (columns?.some((column) => column.format === 1)) binaryRows++;
      }
    }
    expect(binaryRows).toBeGreaterThan(0);
    // The traffic above reached every kind of message the comparison is meant to cover.
    for (const type of [
      'StartupMessage',
      'AuthenticationCleartextPassword',
      'AuthenticationOk',
      'Query',
      'Parse',
      'Bind',
      'Describe',
      'Execute',
      'Sync',
      'ParseComplete',
      'BindComplete',
      'CommandComplete',
      'RowDescription',
      'DataRow',
      'ErrorResponse',
      'NoticeResponse',
      'NotificationResponse',
      'CopyOutResponse',
      'CopyInResponse',
      'CopyData',
      'CopyDone',
      'ParameterStatus',
      'BackendKeyData',
      'ReadyForQuery',
      'Terminate',
    ]) {
      expect(types, type).toContain(type);
    }
  });
});
