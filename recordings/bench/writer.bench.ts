import { type Compressor, createRecordingWriter, type Sha256, storeCompressor } from '../src/index';

/**
 * Writer throughput on pgbench-like PostgreSQL traffic (`pgbench -M prepared`: Bind/Execute/Sync from
 * the client, BindComplete/DataRow/CommandComplete/ReadyForQuery from the server), one frame per
 * protocol message — the gateway's worst case. Pass the production compressor (proxy-core's
 * `createZstdCompressor()`) for real numbers; the default stores without compressing.
 */
export interface BenchWriterOptions {
  compressor?: Compressor;
  compressorName?: string;
  /** Chunk hashing (proxy-core's `nodeSha256` in the gateway); defaults to noble's pure-JS SHA-256. */
  sha256?: Sha256;
  /** Protocol messages per run (default 400 000, about 10 MB). */
  messages?: number;
}

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

export async function benchWriter(opts: BenchWriterOptions = {}): Promise<BenchResult[]> {
  const compressor = opts.compressor ?? storeCompressor;
  const label = opts.compressorName ?? (opts.compressor ? 'injected compressor' : 'store, no compression');
  const traffic = pgbenchTraffic(opts.messages ?? 400_000);
  const tinyFrame = storeCompressor.compress(new Uint8Array(0));
  const appendOnly: Compressor = { compress: () => tinyFrame };
  const append = best(() => run(traffic, appendOnly, opts.sha256));
  const full = best(() => run(traffic, compressor, opts.sha256));
  const mb = traffic.rawBytes / 1e6;
  return [
    {
      name: 'recording writer: append (framing + copy + chain hash, no compression)',
      value: mb / append.seconds,
      unit: 'MB/s',
    },
    {
      name: 'recording writer: append cost per frame',
      value: (append.seconds * 1e9) / traffic.messages.length,
      unit: 'ns',
    },
    { name: `recording writer: end to end with ${label}`, value: mb / full.seconds, unit: 'MB/s' },
    {
      name: `recording writer: compression ratio (payload bytes / file bytes), ${label}`,
      value: traffic.rawBytes / full.fileBytes,
      unit: 'x',
    },
  ];
}

/** Fastest of five runs: the first warms up the JIT, the spread is mostly GC and scheduling noise. */
function best(f: () => { seconds: number; fileBytes: number }): { seconds: number; fileBytes: number } {
  let min = f();
  for (let i = 0; i < 4; i++) {
    const r = f();
    if (r.seconds < min.seconds) min = r;
  }
  return min;
}

interface Traffic {
  messages: { direction: 'client' | 'server'; bytes: Uint8Array }[];
  rawBytes: number;
}

function run(
  traffic: Traffic,
  compressor: Compressor,
  sha256: Sha256 | undefined,
): { seconds: number; fileBytes: number } {
  const w = createRecordingWriter({
    header: { sessionId: 'bench', protocol: 'postgres', startedAt: new Date(0).toISOString(), startedAtUs: 0 },
    compressor,
    sha256,
  });
  let fileBytes = w.headerBytes().length;
  let tUs = 0;
  const start = performance.now();
  for (const m of traffic.messages) {
    tUs += 7;
    if (w.appendBytes(tUs, m.direction, m.bytes)) fileBytes += (w.flushChunk() as Uint8Array).length;
  }
  fileBytes += w.flushChunk()?.length ?? 0;
  return { seconds: (performance.now() - start) / 1000, fileBytes };
}

/** Deterministic pseudo-random pgbench transactions (xorshift32, fixed seed). */
function pgbenchTraffic(count: number): Traffic {
  let seed = 0x9e3779b9;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const statements = ['P0_1', 'P0_2', 'P0_3', 'P0_4', 'P0_5'];
  const messages: Traffic['messages'] = [];
  const push = (direction: 'client' | 'server', bytes: Uint8Array) => messages.push({ direction, bytes });
  while (messages.length < count) {
    const aid = String(1 + rand(100_000));
    const delta = String(rand(10_001) - 5000);
    for (const stmt of statements) {
      push('client', pgMessage('B', ['', stmt], [delta, aid]));
      push('client', pgMessage('E', [''], [], 0));
      push('client', pgMessage('S', [], []));
      push('server', pgMessage('2', [], []));
      if (stmt === 'P0_2') push('server', pgMessage('D', [], [String(rand(1_000_000) - 500_000)]));
      push('server', pgMessage('C', [stmt === 'P0_2' ? 'SELECT 1' : stmt === 'P0_5' ? 'INSERT 0 1' : 'UPDATE 1'], []));
      push('server', pgMessage('Z', [], [], 'T'.charCodeAt(0)));
    }
  }
  // Pack the messages into one buffer and append views of it, as the proxy appends views of socket reads.
  const kept = messages.slice(0, count);
  const packed = new Uint8Array(kept.reduce((n, m) => n + m.bytes.length, 0));
  let at = 0;
  for (const m of kept) {
    packed.set(m.bytes, at);
    m.bytes = packed.subarray(at, at + m.bytes.length);
    at += m.bytes.length;
  }
  return { messages: kept, rawBytes: packed.length };
}

/** A PostgreSQL message: type byte, length, C strings, then Int16-count-prefixed text values. */
function pgMessage(type: string, cstrings: string[], values: string[], trailer?: number): Uint8Array {
  const enc = new TextEncoder();
  const parts: number[] = [];
  for (const s of cstrings) parts.push(...enc.encode(s), 0);
  if (values.length > 0 || type === 'B' || type === 'D') {
    if (type === 'B') parts.push(0, 0); // no parameter format codes: all text
    parts.push(values.length >> 8, values.length & 0xff);
    for (const v of values) {
      const b = enc.encode(v);
      parts.push(0, 0, b.length >> 8, b.length & 0xff, ...b);
    }
    if (type === 'B') parts.push(0, 0); // result formats: all text
  }
  if (trailer !== undefined) parts.push(...(type === 'E' ? [0, 0, 0, trailer] : [trailer]));
  const out = new Uint8Array(5 + parts.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setUint32(1, 4 + parts.length);
  out.set(parts, 5);
  return out;
}
