/**
 * Reads a body up to a bound: whole when it fits, else the first chunks plus the rest still unread (pulled later
 * with backpressure, so memory stays bounded whatever the body's size).
 */

export type BodyRead =
  | { complete: true; body: Buffer }
  | { complete: false; head: Buffer[]; headBytes: number; rest: AsyncIterator<Buffer> };

export async function readUpTo(stream: AsyncIterable<Buffer>, limit: number): Promise<BodyRead> {
  const it = stream[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) return { complete: true, body: head.length === 1 ? (head[0] as Buffer) : Buffer.concat(head, size) };
    head.push(next.value);
    size += next.value.length;
    if (size > limit) return { complete: false, head, headBytes: size, rest: it };
  }
}

/** Every chunk of a body read by `readUpTo`, in order: the buffered ones, then the rest as it arrives. */
export async function* bodyChunks(read: BodyRead): AsyncGenerator<Buffer> {
  if (read.complete) {
    if (read.body.length > 0) yield read.body;
    return;
  }
  yield* read.head;
  for (;;) {
    const next = await read.rest.next();
    if (next.done) return;
    yield next.value;
  }
}
