import type { RecordedSession } from '../../pipeline/recorded-session.types';

/**
 * Backpressure from the recording: while the recorder is behind (slow disk), read no more from `source` until it
 * catches up, so memory stays flat and nothing goes unrecorded.
 */
export function throttleToRecorder(session: RecordedSession, source: { pause(): unknown; resume(): unknown }): void {
  const behind = session.whenWritable();
  if (!behind) return;
  source.pause();
  void behind.then(() => source.resume());
}
