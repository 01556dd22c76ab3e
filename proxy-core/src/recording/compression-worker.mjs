// The recording compression worker (chunk-compressor.ts starts it): zstd off the gateway's main thread.
// Plain JavaScript, so it loads in a worker thread without the TypeScript loader.
// Messages in: { id, raw: Uint8Array, level }; out: { id, compressed: Uint8Array } or { id, error: string }.
import { parentPort } from 'node:worker_threads';
import { Compressor } from 'zstd-napi';

const compressors = new Map();

parentPort.on('message', ({ id, raw, level }) => {
  try {
    let zstd = compressors.get(level);
    if (!zstd) {
      zstd = new Compressor();
      zstd.setParameters({ compressionLevel: level });
      compressors.set(level, zstd);
    }
    const out = zstd.compress(raw);
    // A copy of its own, so it can be transferred whatever buffer zstd-napi allocated it in.
    const compressed = new Uint8Array(out);
    parentPort.postMessage({ id, compressed }, [compressed.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
