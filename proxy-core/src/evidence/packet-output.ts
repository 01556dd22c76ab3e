import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ZipSink } from '@vigil/recordings';

/** Where a packet goes: a file path, a Node Writable (an HTTP response) or a WHATWG WritableStream. */
export type PacketOut = string | Writable | WritableStream<Uint8Array>;

export interface PacketOutput {
  sink: ZipSink;
  /** Ends the output (a file is renamed into place only now). */
  complete(): Promise<void>;
  /** Stops after a failure: a partial file is removed, a stream destroyed. */
  abort(err: Error): Promise<void>;
}

/**
 * Opens the packet's destination. A path is written as `PATH.partial` and renamed when complete, so a failed
 * or interrupted export never leaves something that looks like a packet.
 */
export function openPacketOutput(out: PacketOut): PacketOutput {
  if (typeof out === 'string') {
    const partial = `${out}.partial`;
    const file = createWriteStream(partial, { mode: 0o600 });
    const stream = writableOutput(file);
    return {
      sink: stream.sink,
      async complete() {
        await stream.complete();
        await rename(partial, out);
      },
      async abort(err) {
        await stream.abort(err);
        await rm(partial, { force: true });
      },
    };
  }
  if ('getWriter' in out) {
    const writer = out.getWriter();
    return {
      sink: (bytes) => writer.write(bytes),
      complete: () => writer.close(),
      abort: (err) => writer.abort(err).catch(() => {}),
    };
  }
  return writableOutput(out);
}

function writableOutput(w: Writable): PacketOutput {
  return {
    sink(bytes) {
      if (w.destroyed || w.writableEnded) throw new Error('the output was closed before the packet was complete');
      if (w.write(bytes)) return;
      return new Promise<void>((resolve, reject) => {
        const cleanup = () => {
          w.off('drain', onDrain);
          w.off('error', onError);
          w.off('close', onClose);
        };
        const onDrain = () => {
          cleanup();
          resolve();
        };
        const onError = (err: Error) => {
          cleanup();
          reject(err);
        };
        const onClose = () => {
          cleanup();
          reject(new Error('the output was closed before the packet was complete'));
        };
        w.on('drain', onDrain);
        w.on('error', onError);
        w.on('close', onClose);
      });
    },
    complete: () =>
      new Promise<void>((resolve, reject) => {
        w.once('error', reject);
        w.end(() => resolve());
      }),
    async abort() {
      // Without the error: destroy(err) would emit 'error', which nobody may be listening to (an HTTP response).
      w.destroy();
    },
  };
}

/** A file's bytes in pieces of 1 MiB: memory stays flat whatever its size. */
export async function* fileChunks(path: string): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) yield chunk as Uint8Array;
}

const encoder = new TextEncoder();

export async function* utf8Chunks(text: AsyncIterable<string>): AsyncIterable<Uint8Array> {
  for await (const t of text) if (t !== '') yield encoder.encode(t);
}
