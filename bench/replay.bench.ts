/**
 * The IDE's server side at scale: random seeks into a ~1 GB recording through the control API
 * (frames decoded from the one chunk that holds them), and the first page of the sessions list with
 * 100k sessions in the store. Baselines: reading the same frames straight from the recording library.
 */
import { randomInt } from 'node:crypto';
import { openRecording } from '@vigil/recordings';
import { type ApiFixture, startApiFixture, USERS } from '../proxy-core/src/api/testing/api-fixture';
import { openFileByteSource } from '../proxy-core/src/recording/file-byte-source';
import type { BenchResult } from './run';

const TARGET_BYTES = Number(process.env.BENCH_REPLAY_BYTES ?? 1024 ** 3);

export async function benchReplay(): Promise<BenchResult[]> {
  const f = await startApiFixture();
  try {
    const token = await f.token(USERS.auditor.sub, [...USERS.auditor.groups]);
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const { id, path, frames } = await recordLargeSession(f);
    const results: BenchResult[] = [];

    const apiMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const from = randomInt(0, frames - 100);
      const t0 = performance.now();
      const res = await fetch(`${f.url}/api/sessions/${id}/frames?from=${from}&limit=100`, auth);
      await res.arrayBuffer();
      apiMs.push(performance.now() - t0);
      if (!res.ok) throw new Error(`frames request failed: ${res.status}`);
    }
    const source = await openFileByteSource(path);
    const rec = await openRecording(source, { index: f.temp.store.chunks(id) });
    const libMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const from = randomInt(0, frames - 100);
      const t0 = performance.now();
      await rec.readFrames(from, 100);
      libMs.push(performance.now() - t0);
    }
    await source.close();
    const api = median(apiMs);
    const lib = median(libMs);
    results.push({
      name: `seek in a ${(TARGET_BYTES / 1024 ** 3).toFixed(1)} GiB / ${frames} frame recording: library read`,
      value: lib,
      unit: 'ms median',
    });
    results.push({
      name: 'seek via GET /api/sessions/:id/frames (decoded, 100 frames)',
      value: api,
      unit: 'ms median',
      ratio: api / lib,
      against: 'library read',
      target: '< 50 ms',
    });
    results.push({ name: 'seek via API, p95', value: percentile(apiMs, 0.95), unit: 'ms' });

    seedSessions(f, 100_000);
    // Seeding blocked the event loop past the server's keep-alive timeout: let idle sockets close first.
    await new Promise((r) => setTimeout(r, 500));
    const listMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      const res = await fetch(`${f.url}/api/sessions?limit=50`, auth);
      await res.json();
      listMs.push(performance.now() - t0);
    }
    const searchMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const res = await fetch(`${f.url}/api/sessions?limit=50&q=pgbench_accounts`, auth);
      await res.json();
      searchMs.push(performance.now() - t0);
    }
    results.push({
      name: 'sessions list, first page, 100k sessions',
      value: median(listMs),
      unit: 'ms median',
      target: '< 100 ms',
    });
    results.push({
      name: 'sessions list, full-text search, 100k sessions',
      value: median(searchMs),
      unit: 'ms median',
    });
    return results;
  } finally {
    await f.close();
  }
}

/** ~TARGET_BYTES of pgbench-like result traffic through the real recorder, honouring its backpressure. */
async function recordLargeSession(f: ApiFixture): Promise<{ id: string; path: string; frames: number }> {
  const session = f.openSession({ sub: 'bench-agent' });
  const row = Buffer.alloc(1024);
  let written = 0;
  let n = 0;
  while (written < TARGET_BYTES) {
    row.write(
      `D\0\0\x03\xff\0\0\0\x06${String(n).padStart(8, '0')} abalance=${n % 9973} bid=${n % 10} filler `,
      'latin1',
    );
    session.serverBytes(row);
    if (n % 50 === 0)
      session.clientBytes(
        Buffer.from(`Q\0\0\0\x40SELECT abalance FROM pgbench_accounts WHERE aid = ${n};\0`, 'latin1'),
      );
    written += row.length;
    n++;
    const wait = session.whenWritable();
    if (wait) await wait;
  }
  const ended = await session.end('bench done');
  if (!ended) throw new Error('session did not end');
  return { id: ended.id, path: ended.recording, frames: ended.frames };
}

function seedSessions(f: ApiFixture, count: number): void {
  const store = f.temp.store;
  const start = Date.now() - count * 1000;
  for (let i = 0; i < count; i++) {
    const s = store.createSession({
      protocol: 'postgres',
      connection: i % 3 === 0 ? 'orders-db' : 'analytics',
      principal: `agent-${i % 50}`,
      groups: ['ai-agents'],
      clientAddr: '127.0.0.1:1',
      upstream: '127.0.0.1:5432/db',
      startedAt: new Date(start + i * 1000).toISOString(),
      recording: `/dev/null/${i}`,
    });
    if (i % 100 === 0)
      store.addCommands(s.id, [
        { frame: 1, tUs: 1, text: `SELECT abalance FROM pgbench_accounts WHERE aid = ${i}`, decision: 'allow' },
      ]);
  }
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}
