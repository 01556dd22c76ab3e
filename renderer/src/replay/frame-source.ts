import type { FramesPage } from '../api/api.types';
import type { ApiClient } from '../api/api-client';

export interface FrameQuery {
  /** Annotation frames only (the timeline's markers): a source scans, and says where to resume in `next`. */
  kind?: 'annotation';
  signal?: AbortSignal;
}

/**
 * Where a replay's frames come from, a window at a time: the gateway (`GET /api/sessions/:id/frames`) or a
 * recording opened in the browser from an evidence packet. Both give the same Frame shapes, so the replay,
 * the console and the terminal do not know which one they show.
 */
export interface FrameSource {
  frames(from: number, limit: number, query?: FrameQuery): Promise<FramesPage>;
}

export function apiFrameSource(api: ApiClient, sessionId: string): FrameSource {
  return { frames: (from, limit, query = {}) => api.getFrames(sessionId, from, limit, query) };
}
