import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { trackWrites } from './process-bridge';

/** A sink that takes each write only when `release` is called, like an SSH channel waiting for window. */
function slowSink() {
  const held: Array<() => void> = [];
  const stream = new Writable({
    highWaterMark: 1024 * 1024,
    write(_chunk, _encoding, done) {
      held.push(done);
    },
  });
  return { stream, release: () => held.shift()?.() };
}

describe('trackWrites', () => {
  it('reports the writes done only after the last one was taken, though none filled the buffer', async () => {
    const { stream, release } = slowSink();
    const tracked = trackWrites(stream);
    expect(tracked.write(Buffer.alloc(10))).toBe(true);
    expect(tracked.write(Buffer.alloc(10))).toBe(true);
    let written = false;
    tracked.whenWritten(() => {
      written = true;
    });
    // Below the high-water mark: 'drain' will never fire, and the writes are still pending.
    expect(stream.writableNeedDrain).toBe(false);
    expect(stream.writableLength).toBeGreaterThan(0);
    release();
    await new Promise((r) => setImmediate(r));
    expect(written).toBe(false);
    release();
    await new Promise((r) => setImmediate(r));
    expect(written).toBe(true);
  });

  it('calls back at once when nothing is pending', () => {
    const tracked = trackWrites(slowSink().stream);
    let written = false;
    tracked.whenWritten(() => {
      written = true;
    });
    expect(written).toBe(true);
  });
});
