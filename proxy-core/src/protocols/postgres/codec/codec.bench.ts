import { dataRowValues } from './backend-parser';
import {
  serializeCommandComplete,
  serializeDataRow,
  serializeReadyForQuery,
  serializeRowDescription,
} from './backend-serializer';
import { ByteSlab } from './byte-slab';
import { MessageFramer } from './framer';
import { serializeQuery } from './frontend-serializer';
import { TransactionStatus } from './message-codes';

/**
 * Codec hot-path benchmarks (STYLE.md point 9), wired into `npm run bench` by the lead:
 * framing of pgbench-like traffic, and DataRow decode + masked re-encode.
 */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const encoder = new TextEncoder();

/** Both directions of one pgbench TPC-B transaction in simple-query mode (`pgbench -M simple`). */
function pgbenchTransaction(): Uint8Array[] {
  const aid = 1 + Math.floor(Math.random() * 100_000);
  const statements = [
    'BEGIN;',
    `UPDATE pgbench_accounts SET abalance = abalance + -4242 WHERE aid = ${aid};`,
    `SELECT abalance FROM pgbench_accounts WHERE aid = ${aid};`,
    'UPDATE pgbench_tellers SET tbalance = tbalance + -4242 WHERE tid = 7;',
    'UPDATE pgbench_branches SET bbalance = bbalance + -4242 WHERE bid = 1;',
    `INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (7, 1, ${aid}, -4242, CURRENT_TIMESTAMP);`,
    'END;',
  ];
  const tags = ['BEGIN', 'UPDATE 1', 'SELECT 1', 'UPDATE 1', 'UPDATE 1', 'INSERT 0 1', 'COMMIT'];
  const out: Uint8Array[] = [];
  statements.forEach((sql, i) => {
    out.push(serializeQuery(sql));
    if (sql.startsWith('SELECT')) {
      out.push(
        serializeRowDescription([
          { name: 'abalance', tableOid: 16397, attnum: 3, typeOid: 23, typeSize: 4, typeMod: -1, format: 0 },
        ]),
        serializeDataRow([encoder.encode('-12345')]),
      );
    }
    const status = i === statements.length - 1 ? TransactionStatus.Idle : TransactionStatus.InTransaction;
    out.push(serializeCommandComplete(tags[i] as string), serializeReadyForQuery(status));
  });
  return out;
}

/** Concatenates messages and cuts the stream into socket-sized chunks, so some messages straddle two. */
function chunked(messages: readonly Uint8Array[], chunkSize: number): Uint8Array[] {
  const total = messages.reduce((n, m) => n + m.length, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const m of messages) {
    all.set(m, o);
    o += m.length;
  }
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < total; i += chunkSize) chunks.push(all.slice(i, i + chunkSize));
  return chunks;
}

function bestOf(rounds: number, run: () => number): number {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    const count = run();
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, count / seconds);
  }
  return best;
}

function benchFramer(): BenchResult {
  const messages: Uint8Array[] = [];
  for (let t = 0; t < 2000; t++) messages.push(...pgbenchTransaction());
  const chunks = chunked(messages, 16 * 1024);
  const run = () => {
    const framer = new MessageFramer({ startup: false, maxMessageSize: 1 << 20 });
    let n = 0;
    for (const chunk of chunks) {
      framer.push(chunk);
      for (let f = framer.next(); f; f = framer.next()) n++;
    }
    if (n !== messages.length) throw new Error(`framed ${n} of ${messages.length} messages`);
    return n;
  };
  run();
  return { name: 'pg framer, pgbench-like traffic (16 KiB chunks)', value: Math.round(bestOf(5, run)), unit: 'msgs/s' };
}

function benchDataRowReencode(): BenchResult[] {
  const rows: Uint8Array[] = [];
  for (let i = 0; i < 10_000; i++) {
    const row = serializeDataRow([
      encoder.encode(String(i)),
      encoder.encode(`customer${i}@example.com`),
      encoder.encode('4111 1111 1111 1111'),
      null,
      encoder.encode('2024-05-01 12:34:56.789+00'),
      encoder.encode('Some free text note about the customer, long enough to look real.'),
    ]);
    rows.push(row.subarray(5));
  }
  const mask = encoder.encode('***');
  const run = (slab?: ByteSlab) => () => {
    let bytes = 0;
    for (const payload of rows) {
      const values = dataRowValues(payload);
      values[1] = mask;
      values[2] = mask;
      bytes += serializeDataRow(values, slab).length;
    }
    if (bytes === 0) throw new Error('nothing encoded');
    return rows.length;
  };
  const plain = run();
  const slabbed = run(new ByteSlab());
  plain();
  slabbed();
  return [
    { name: 'pg DataRow decode + masked re-encode (6 columns)', value: Math.round(bestOf(5, plain)), unit: 'rows/s' },
    {
      name: 'pg DataRow decode + masked re-encode (6 columns, ByteSlab)',
      value: Math.round(bestOf(5, slabbed)),
      unit: 'rows/s',
    },
  ];
}

export async function benchCodec(): Promise<BenchResult[]> {
  return [benchFramer(), ...benchDataRowReencode()];
}
