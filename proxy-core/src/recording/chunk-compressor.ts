import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';

/** Compresses recording chunks off the main thread. Results come back in the order the chunks went in. */
export interface ChunkCompressor {
  compress(raw: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * The worker's code, evaluated in the worker thread: plain CommonJS, so it runs the same from the TypeScript sources,
 * the desktop app's bundle or a package, with zstd-napi loaded from where the main thread resolves it.
 * In: { id, raw, level }; out: { id, compressed } or { id, error }.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Compressor } = require(workerData.zstd);
const compressors = new Map();
parentPort.on('message', ({ id, raw, level }) => {
  try {
    let zstd = compressors.get(level);
    if (!zstd) {
      zstd = new Compressor();
      zstd.setParameters({ compressionLevel: level });
      compressors.set(level, zstd);
    }
    // A copy of its own, so it can be transferred whatever buffer zstd-napi allocated the output in.
    const compressed = new Uint8Array(zstd.compress(raw));
    parentPort.postMessage({ id, compressed }, [compressed.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

interface InFlight {
  resolve: (compressed: Uint8Array) => void;
  reject: (err: Error) => void;
}

/**
 * One worker thread running zstd: the gateway's event loop keeps relaying while chunks
 * compress on another core. `raw` is transferred to the worker (the recorder hands over a copy of its own). A
 * worker that dies fails the chunks it held — their sessions end, fail closed — and the next chunk starts a new one.
 */
export function createChunkCompressor(opts: { level?: number; logger: Logger }): ChunkCompressor {
  const level = opts.level ?? 3;
  const inFlight = new Map<number, InFlight>();
  let nextId = 0;
  let worker: Worker | undefined;
  let closed = false;

  function failAll(err: Error): void {
    for (const job of inFlight.values()) job.reject(err);
    inFlight.clear();
  }

  function start(): Worker {
    const zstd = createRequire(import.meta.url).resolve('zstd-napi');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { zstd } });
    w.unref(); // an idle worker never keeps the process alive; one with chunks in hand does (see compress)
    w.on('message', (m: { id: number; compressed?: Uint8Array; error?: string }) => {
      const job = inFlight.get(m.id);
      if (!job) return;
      inFlight.delete(m.id);
      if (inFlight.size === 0) w.unref();
      if (m.compressed) job.resolve(m.compressed);
      else job.reject(new Error(`chunk compression failed: ${m.error}`));
    });
    const gone = (err: Error) => {
      if (worker === w) worker = undefined;
      if (!closed) opts.logger.error('recording compression worker stopped', { err });
      failAll(err);
    };
    w.on('error', gone);
    w.on('exit', (code) => gone(new Error(`recording compression worker exited with code ${code}`)));
    return w;
  }

  return {
    compress(raw) {
      if (closed) return Promise.reject(new Error('the chunk compressor is closed'));
      worker ??= start();
      const id = nextId++;
      const done = new Promise<Uint8Array>((resolve, reject) => inFlight.set(id, { resolve, reject }));
      if (inFlight.size === 1) worker.ref();
      try {
        worker.postMessage({ id, raw, level }, [raw.buffer as ArrayBuffer]);
      } catch (err) {
        // Not transferable (a view of a shared buffer): this chunk fails, the worker stays.
        inFlight.get(id)?.reject(err as Error);
        inFlight.delete(id);
        if (inFlight.size === 0) worker.unref();
      }
      return done;
    },
    async close() {
      closed = true;
      const w = worker;
      worker = undefined;
      await w?.terminate();
      failAll(new Error('the chunk compressor is closed'));
    },
  };
}
