import type { Frame as RecordedFrame, Recording } from '@vigil/recordings';
import type { FrameQuery, FrameSource } from '../replay/frame-source';
import { recordedFrameView } from './recorded-frame-view';

// The same bounds as the gateway's frames route, so a packet's replay asks for windows of the same size.
const MAX_FRAMES = 2000;
const MAX_ANNOTATIONS = 5000;
/** Annotations only: at most this many chunks are decoded per call; `next` says where to resume. */
const MAX_SCANNED_CHUNKS = 256;

/**
 * Frames of a recording opened in the browser (an evidence packet's `recording.vrec`): decoded a chunk at a
 * time on demand, never the whole file, and shaped like the gateway's API frames. Errors (a chunk whose hash
 * does not match, a torn record) reject, and the replay shows them.
 */
export function recordingFrameSource(recording: Recording, protocol: string): FrameSource {
  const total = recording.frameCount;
  const view = (frames: readonly RecordedFrame[]) => frames.map((f) => recordedFrameView(f, protocol));
  return {
    async frames(from: number, limit: number, query: FrameQuery = {}) {
      const start = Math.max(0, Math.floor(from));
      if (start >= total) return { total, from: start, next: null, frames: [] };
      if (query.kind === 'annotation') {
        const read = await readAnnotations(recording, start, Math.min(Math.max(1, limit), MAX_ANNOTATIONS));
        return { total, from: start, next: read.next < total ? read.next : null, frames: view(read.frames) };
      }
      const frames = await recording.readFrames(start, Math.min(Math.max(1, limit), MAX_FRAMES));
      const next = start + frames.length;
      return { total, from: start, next: next < total ? next : null, frames: view(frames) };
    },
  };
}

async function readAnnotations(
  recording: Recording,
  from: number,
  limit: number,
): Promise<{ frames: RecordedFrame[]; next: number }> {
  const frames: RecordedFrame[] = [];
  let next = from;
  let i = recording.chunkForFrame(from);
  for (let scanned = 0; i >= 0 && i < recording.chunks.length && scanned < MAX_SCANNED_CHUNKS; i += 1, scanned += 1) {
    for (const frame of await recording.readChunk(i)) {
      if (frame.n < from) continue;
      if (frame.kind === 'annotation') {
        if (frames.length === limit) return { frames, next: frame.n };
        frames.push(frame);
      }
      next = frame.n + 1;
    }
  }
  return { frames, next };
}
