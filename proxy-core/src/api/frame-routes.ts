import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { type Frame, type Recording, RecordingFormatError } from '@vigil/recordings';
import type { Session } from '../store/store.types';
import type { ApiDeps } from './api.types';
import { READ_ROLES } from './authenticate';
import { frameView } from './frame-view';
import { BASE_HEADERS, enumParam, HttpError, intParam } from './http-io';
import type { RecordingCache } from './recording-cache';
import type { ApiRoute } from './router';

const DEFAULT_FRAMES = 500;
const MAX_FRAMES = 2000;
/** Annotations only (timeline markers) are small: larger pages, but a bounded scan per request. */
const MAX_ANNOTATIONS = 5000;
const MAX_SCANNED_CHUNKS = 256;

/** Frames of a recording, decoded, a window at a time; and the raw `.vrec`. */
export function frameRoutes(deps: ApiDeps, cache: RecordingCache): ApiRoute[] {
  const found = (id: string): Session => {
    const session = deps.store.getSession(id);
    if (!session) throw new HttpError(404, `no session ${id}`);
    return session;
  };

  return [
    {
      method: 'GET',
      path: '/api/sessions/:id/frames',
      roles: READ_ROLES,
      async handle({ params, url }) {
        const session = found(params.id ?? '');
        const kind = enumParam(url, 'kind', ['annotation'] as const);
        const from = intParam(url, 'from', 0, 0, Number.MAX_SAFE_INTEGER);
        const limit = intParam(url, 'limit', DEFAULT_FRAMES, 1, kind ? MAX_ANNOTATIONS : MAX_FRAMES);
        const recording = await openOrExplain(cache, session);
        const total = recording.frameCount;
        if (from >= total) return { total, from, next: null, frames: [] };
        const read = kind ? await readAnnotations(recording, from, limit) : await readWindow(recording, from, limit);
        return {
          total,
          from,
          next: read.next < total ? read.next : null,
          frames: read.frames.map((f) => frameView(f, session.protocol)),
        };
      },
    },
    {
      method: 'GET',
      path: '/api/sessions/:id/recording',
      roles: READ_ROLES,
      async handle({ params, req, res }) {
        const session = found(params.id ?? '');
        await sendRecording(session, req.headers.range, res);
      },
    },
  ];
}

async function openOrExplain(cache: RecordingCache, session: Session): Promise<Recording> {
  try {
    return await cache.open(session);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpError(404, 'the recording file is missing');
    if (err instanceof RecordingFormatError) throw new HttpError(500, `the recording cannot be read: ${err.message}`);
    throw err;
  }
}

async function readWindow(
  recording: Recording,
  from: number,
  limit: number,
): Promise<{ frames: Frame[]; next: number }> {
  try {
    const frames = await recording.readFrames(from, limit);
    return { frames, next: from + frames.length };
  } catch (err) {
    if (err instanceof RecordingFormatError) throw new HttpError(500, `the recording cannot be read: ${err.message}`);
    throw err;
  }
}

/** Annotation frames from `from` on, up to `limit`, scanning at most MAX_SCANNED_CHUNKS chunks; `next` resumes. */
async function readAnnotations(
  recording: Recording,
  from: number,
  limit: number,
): Promise<{ frames: Frame[]; next: number }> {
  const frames: Frame[] = [];
  let i = recording.chunkForFrame(from);
  let next = from;
  for (let scanned = 0; i >= 0 && i < recording.chunks.length && scanned < MAX_SCANNED_CHUNKS; i++, scanned++) {
    let chunk: Frame[];
    try {
      chunk = await recording.readChunk(i);
    } catch (err) {
      if (err instanceof RecordingFormatError) throw new HttpError(500, `the recording cannot be read: ${err.message}`);
      throw err;
    }
    for (const f of chunk) {
      if (f.n < from) continue;
      if (f.kind === 'annotation') {
        if (frames.length === limit) return { frames, next: f.n };
        frames.push(f);
      }
      next = f.n + 1;
    }
  }
  return { frames, next };
}

/** The .vrec as it is on disk (a live session's is a growing prefix); one byte range when asked. */
async function sendRecording(session: Session, range: string | undefined, res: ServerResponse): Promise<void> {
  let size: number;
  try {
    size = statSync(session.recording).size;
  } catch {
    throw new HttpError(404, 'the recording file is missing');
  }
  const headers: Record<string, string> = {
    ...BASE_HEADERS,
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename="${session.id.replace(/[^\w.-]/g, '_')}.vrec"`,
    'cache-control': session.status === 'live' ? 'no-store' : 'private, max-age=0',
    'accept-ranges': 'bytes',
  };
  let start = 0;
  let end = size - 1;
  let status = 200;
  const match = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (match && (match[1] || match[2])) {
    start = match[1] ? Number(match[1]) : Math.max(0, size - Number(match[2]));
    end = match[1] && match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
    if (start > end || start >= size) {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
      return;
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['content-length'] = String(size === 0 ? 0 : end - start + 1);
  res.writeHead(status, headers);
  if (size === 0 || res.req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(session.recording, { start, end }), res).catch((err: NodeJS.ErrnoException) => {
    // The client went away mid-download: nothing to answer.
    if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  });
}
