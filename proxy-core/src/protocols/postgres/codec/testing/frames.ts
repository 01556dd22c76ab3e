import { MessageFramer, type PgFrame } from '../framer';

/** Splits whole wire bytes (one or more messages) into frames, the way a session would. */
export function framesOf(bytes: Uint8Array, startup = false): PgFrame[] {
  const framer = new MessageFramer({ startup, maxMessageSize: 1 << 30 });
  framer.push(bytes);
  const frames: PgFrame[] = [];
  for (let f = framer.next(); f; f = framer.next()) frames.push(f);
  if (framer.buffered !== 0) throw new Error(`${framer.buffered} bytes left over`);
  return frames;
}

/** The single frame in `bytes`. */
export function frameOf(bytes: Uint8Array): PgFrame {
  const frames = framesOf(bytes);
  if (frames.length !== 1) throw new Error(`expected one message, got ${frames.length}`);
  return frames[0] as PgFrame;
}
