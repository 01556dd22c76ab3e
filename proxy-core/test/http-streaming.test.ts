/**
 * Bodies of any size stream through the HTTP connector with bounded memory, both ways, and are recorded as they
 * pass. The gateway, the upstream (generating the body on the fly) and the recorder run in this process; curl
 * counts the bytes on the agent's side.
 *
 * The recorder has no backpressure of its own yet: it queues every chunk it has not written. Log-like (compressible)
 * bodies keep that queue small; incompressible ones need `whenWritable()` (recorder-backpressure.ts), which the
 * harness wires from the recorder for the last download test.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type HttpHarness, startHttpHarness } from '../src/protocols/http/testing/http-harness';

const MiB = 1024 * 1024;
const DOWNLOAD = 1024 * MiB;
/** Incompressible bytes are written in full, at the recorder's speed (~50 MB/s here): a quarter keeps it short. */
const RANDOM_DOWNLOAD = 256 * MiB;
const UPLOAD = 256 * MiB;
/** rss may grow by this much while streaming (it would grow by the body's size if anything buffered it). */
const MAX_GROWTH = 100 * MiB;

let h: HttpHarness;
let token: string;

beforeAll(async () => {
  h = await startHttpHarness();
  token = await h.agentToken();
});
afterAll(async () => {
  await h?.stop();
});

/** Samples rss while `work` runs; returns its result and the peak growth over the rss before it. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number; ms: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = Date.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - baseline, ms: Date.now() - started };
  } finally {
    clearInterval(timer);
  }
}

function download(bytes: number, query = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      [
        '-sS',
        '-o',
        '/dev/null',
        '-w',
        '%{size_download}',
        '-H',
        `Authorization: Bearer ${token}`,
        `${h.gatewayUrl}/c/basic-api/download?bytes=${bytes}${query}`,
      ],
      (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(Number(stdout))),
    );
  });
}

it('streams a 1 GB download with flat gateway memory, recording every byte', async () => {
  await download(64 * MiB); // warm up sockets, JIT and the recorder's buffers
  const { result, growth, ms } = await peakGrowth(() => download(DOWNLOAD));
  expect(result).toBe(DOWNLOAD);
  expect(growth).toBeLessThan(MAX_GROWTH);
  const session = (await h.endedSessions()).find((s) => s.bytesOut > DOWNLOAD);
  expect(session?.status).toBe('ended');
  // The response frames hold the whole body as the agent received it.
  expect(session?.bytesOut).toBeGreaterThan(DOWNLOAD);
  expect(session?.bytesOut).toBeLessThan(DOWNLOAD + 4096);
  console.log(
    `1 GiB download: ${ms} ms, ${Math.round(DOWNLOAD / MiB / (ms / 1000))} MiB/s, rss growth ${Math.round(growth / MiB)} MiB`,
  );
}, 120_000);

it("streams 256 MB of incompressible bytes at the recorder's pace when the session offers whenWritable()", async () => {
  h.recorderBackpressure = true;
  try {
    const { result, growth, ms } = await peakGrowth(() => download(RANDOM_DOWNLOAD, '&random=1'));
    expect(result).toBe(RANDOM_DOWNLOAD);
    expect(growth).toBeLessThan(MAX_GROWTH);
    console.log(`256 MiB incompressible download: ${ms} ms, rss growth ${Math.round(growth / MiB)} MiB`);
  } finally {
    h.recorderBackpressure = false;
  }
}, 120_000);

it('streams a 256 MB chunked upload (SigV4 UNSIGNED-PAYLOAD) with flat gateway memory', async () => {
  const block = Buffer.alloc(MiB, 'upload-bytes ');
  const hash = createHash('sha256');
  for (let i = 0; i < UPLOAD / MiB; i++) hash.update(block);
  const expected = hash.digest('hex');
  const upload = () =>
    new Promise<string>((resolve, reject) => {
      const curl = spawn('curl', [
        '-sS',
        '-T',
        '-',
        '-H',
        `Authorization: Bearer ${token}`,
        `${h.gatewayUrl}/c/aws/objects/sink`,
      ]);
      let out = '';
      curl.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      curl.on('error', reject);
      curl.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`curl exited ${code}`))));
      let sent = 0;
      const pump = () => {
        while (sent < UPLOAD) {
          sent += block.length;
          if (!curl.stdin.write(block)) return void curl.stdin.once('drain', pump);
        }
        curl.stdin.end();
      };
      pump();
    });
  const { result, growth, ms } = await peakGrowth(upload);
  const echoed = JSON.parse(result) as { bytes: number; bodySha256: string; sigv4: unknown };
  expect(echoed).toMatchObject({ bytes: UPLOAD, bodySha256: expected, sigv4: { valid: true } });
  expect(growth).toBeLessThan(MAX_GROWTH);
  console.log(`256 MiB upload: ${ms} ms, rss growth ${Math.round(growth / MiB)} MiB`);
}, 120_000);
