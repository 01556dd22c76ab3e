import type { RecordedSession } from '../../pipeline/recorded-session.types';

/**
 * Backpressure from the recording, so a body streamed faster than the recorder writes it cannot pile up in the
 * recorder's write queue. `RecordedSession` does not offer it yet: a session that has `whenWritable()` (undefined
 * while the queue is short, else a promise that resolves once it has drained) is waited on after each recorded
 * chunk; without it the stream runs at network speed and the recorder's queue can grow.
 */
export interface RecordingBackpressure {
  whenWritable?(): Promise<void> | undefined;
}

export function recordingBackpressure(session: RecordedSession): Promise<void> | undefined {
  return (session as RecordedSession & RecordingBackpressure).whenWritable?.();
}
