import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_TOKEN_FAILURES, type BadTokenName, badTokens } from './support/bad-tokens';
import { type Harness, startHarness } from './support/gateway-harness';
import { openHarnessWire, parse, query, sync } from './support/wire-client';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

/** Opens a raw TCP connection to the gateway, sends `bytes`, and collects everything until close. */
function rawExchange(bytes: Uint8Array[], opts: { waitMs?: number; endAfter?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s: Socket = connect({ host: h.host, port: h.port }, async () => {
      for (const b of bytes) {
        s.write(b);
        await new Promise((r) => setTimeout(r, 5));
      }
      if (opts.endAfter) s.end();
    });
    const timer = setTimeout(() => s.destroy(), opts.waitMs ?? 3000);
    s.on('data', (d) => chunks.push(d));
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    s.on('error', reject);
  });
}

function startupPacket(params: Record<string, string>, protocol = 196608): Buffer {
  const body = Buffer.concat([
    ...Object.entries(params).flatMap(([k, v]) => [Buffer.from(`${k}\0${v}\0`)]),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(protocol, 4);
  return Buffer.concat([head, body]);
}

function passwordMessage(password: string): Buffer {
  const body = Buffer.from(`${password}\0`);
  const head = Buffer.alloc(5);
  head.write('p', 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** Error fields of the first ErrorResponse in `bytes`. */
function errorOf(bytes: Buffer): { S?: string; C?: string; M?: string } | undefined {
  let i = 0;
  while (i + 5 <= bytes.length) {
    const type = String.fromCharCode(bytes[i] as number);
    const len = bytes.readInt32BE(i + 1);
    if (type === 'E') {
      const fields: Record<string, string> = {};
      let j = i + 5;
      while (bytes[j] !== 0 && j < i + 1 + len) {
        const code = String.fromCharCode(bytes[j] as number);
        const end = bytes.indexOf(0, j + 1);
        fields[code] = bytes.subarray(j + 1, end).toString();
        j = end + 1;
      }
      return fields;
    }
    i += 1 + len;
  }
  return undefined;
}

async function stillServing(): Promise<void> {
  const c = await h.client();
  const r = await c.query('SELECT 1 AS ok');
  expect(r.rows[0].ok).toBe(1);
  await c.end();
}

describe('bad tokens are refused with a clear ErrorResponse, and nothing reaches the upstream', () => {
  it.each(Object.keys(BAD_TOKEN_FAILURES) as BadTokenName[])('%s', async (name) => {
    const tokens = await badTokens(h.idp.issuer, h.idp.audience, h.idp.signingKey());
    const before = h.canary.connections;
    const reply = await rawExchange([
      startupPacket({ user: 'agent-1', database: 'canary' }),
      passwordMessage(tokens[name]),
    ]);
    const err = errorOf(reply);
    expect(err?.S).toBe('FATAL');
    expect(err?.C).toBe('28P01');
    expect(err?.M).toMatch(/^token rejected: /);
    expect(h.canary.connections).toBe(before);
    await stillServing();
  });

  it('a token with no role for database sessions gets 28000', async () => {
    const token = await h.idp.tokenFor('nobody');
    const reply = await rawExchange([startupPacket({ user: 'x', database: 'canary' }), passwordMessage(token)]);
    const err = errorOf(reply);
    expect(err?.C).toMatch(/^28(000|P01)$/);
    expect(h.canary.connections).toBe(0);
  });

  it('failures are audited with their reason', () => {
    const failures = h.gateway.store.listAudit({ type: 'auth.failure', limit: 1000 });
    expect(failures.length).toBeGreaterThanOrEqual(Object.keys(BAD_TOKEN_FAILURES).length);
    expect(JSON.stringify(failures)).not.toContain('eyJ'); // no token ever lands in the audit log
  });
});

describe('malformed input never crashes the gateway', () => {
  it('unknown connection name: 3D000', async () => {
    const c = new pg.Client({
      host: h.host,
      port: h.port,
      database: 'no-such-db',
      user: 'a',
      password: await h.agentToken(),
    });
    await expect(c.connect()).rejects.toThrow(/connection "no-such-db" does not exist/);
    await stillServing();
  });

  it('malformed startup packet (no terminator, unsupported protocol)', async () => {
    const bad = Buffer.from([0, 0, 0, 12, 0, 3, 0, 0, 0x75, 0x73, 0x65, 0x72]);
    expect(errorOf(await rawExchange([bad]))?.C).toBe('08P01');
    expect(errorOf(await rawExchange([startupPacket({ user: 'a', database: 'shop' }, 0x00020000)]))?.M).toMatch(
      /protocol/i,
    );
    await stillServing();
  });

  it('absurd message lengths: startup and after authentication', async () => {
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 3, 0, 0]);
    const reply = await rawExchange([huge]);
    expect(errorOf(reply)?.C).toBe('08P01');
    expect(errorOf(reply)?.M).toMatch(/invalid message length/);
    const token = await h.agentToken();
    const query = Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]);
    const after = await rawExchange([startupPacket({ user: 'a', database: 'shop' }), passwordMessage(token), query], {
      waitMs: 4000,
    });
    expect(errorOf(after.subarray(after.indexOf(Buffer.from([0x5a, 0, 0, 0, 5])) + 6))?.M).toMatch(
      /invalid message length/,
    );
    await stillServing();
  });

  it('a statement too large to parse: 54000, nothing reaches the upstream, the session and its neighbours go on', async () => {
    await h.cluster.query('CREATE TABLE IF NOT EXISTS bulk_rows (id int, body text)');
    const c = await h.client();
    // About 2 MB of SQL, over the default limits.maxStatementBytes (1 MiB); both protocols carry its text.
    const values = Array.from({ length: 40_000 }, (_, i) => `(${i}, 'row ${i} of a bulk insert')`).join(', ');
    const big = `INSERT INTO bulk_rows VALUES ${values}`;
    for (const send of [() => c.query(big), () => c.query(`${big} RETURNING $1::int`, [1])]) {
      const err = await send().then(
        () => undefined,
        (e: { code?: string; message: string }) => e,
      );
      expect(err?.code).toBe('54000');
      expect(err?.message).toMatch(/larger than limits\.maxStatementBytes \(1048576\).*COPY/);
    }
    const rows = await h.cluster.query<{ n: number }>('SELECT count(*)::int AS n FROM bulk_rows');
    expect(rows.rows[0]?.n).toBe(0);
    // Bulk data as a parameter is not SQL text: it is not parsed, and goes through.
    await c.query('INSERT INTO bulk_rows VALUES ($1, $2)', [1, 'x'.repeat(2_000_000)]);
    expect((await c.query('SELECT length(body) AS n FROM bulk_rows')).rows[0].n).toBe(2_000_000);
    await c.end();
    await stillServing();
  });

  it('a simple Query inside an unfinished extended batch: 08P01, the session ends, nothing of it runs', async () => {
    await h.cluster.query('CREATE TABLE IF NOT EXISTS batch_marks (n int)');
    const s = await openHarnessWire(h);
    // After the failing Parse the server would skip the Query and answer nothing for it; Vigil could not tell which
    // answer is whose from then on.
    s.send(parse('', 'SELECT * FROM no_such_table'), query('INSERT INTO batch_marks VALUES (1)'), sync());
    expect(await s.arrived('unfinished extended-protocol batch')).toBe(true);
    expect(s.text()).toContain('08P01');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.closed).toBe(true);
    const rows = await h.cluster.query<{ n: number }>('SELECT count(*)::int AS n FROM batch_marks');
    expect(rows.rows[0]?.n).toBe(0);
    await stillServing();
  });

  it('random bytes', async () => {
    for (let i = 0; i < 20; i++) await rawExchange([randomBytes(1 + Math.floor(Math.random() * 200))], { waitMs: 500 });
    expect(h.canary.connections).toBe(0);
    await stillServing();
  });

  it('a client that disconnects mid-message (during startup and during a session)', async () => {
    const packet = startupPacket({ user: 'a', database: 'shop' });
    await rawExchange([packet.subarray(0, 5)], { endAfter: true, waitMs: 500 });
    const token = await h.agentToken();
    const query = Buffer.from('Q\0\0\0\x20SELECT 1');
    await rawExchange([packet, passwordMessage(token), query], { endAfter: true, waitMs: 1500 });
    await stillServing();
  });

  it('an upstream that is down: a clear 08006, the session is marked failed', async () => {
    const c = new pg.Client({
      host: h.host,
      port: h.port,
      database: 'shop-down',
      user: 'a',
      password: await h.agentToken(),
    });
    await expect(c.connect()).rejects.toThrow(/upstream for connection "shop-down" is unavailable/);
    await stillServing();
  });

  it('a session that cannot be recorded is refused (fail closed): nothing reaches the upstream', async () => {
    const dir = join(h.dataDir, 'recordings');
    renameSync(dir, `${dir}.away`);
    writeFileSync(dir, 'not a directory'); // the recording file cannot be created
    try {
      const before = h.canary.connections;
      const c = new pg.Client({
        host: h.host,
        port: h.port,
        database: 'canary',
        user: 'a',
        password: await h.agentToken(),
      });
      await expect(c.connect()).rejects.toThrow(/cannot record this session/);
      expect(h.canary.connections).toBe(before);
    } finally {
      rmSync(dir);
      renameSync(`${dir}.away`, dir);
    }
    await stillServing();
  });

  it('an upstream that rejects the stored credential: a clear error that does not reveal it', async () => {
    const c = new pg.Client({
      host: h.host,
      port: h.port,
      database: 'shop-badcred',
      user: 'a',
      password: await h.agentToken(),
    });
    const err = await c.connect().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/upstream rejected Vigil's stored credential/);
    expect(err?.message).not.toContain('not-the-password');
    await stillServing();
  });
});
