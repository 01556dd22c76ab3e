import type { Frame, RecordingHeader } from '../recording.types';
import type { Recording } from '../recording-reader';
import { annotationText } from './annotation-text';

/**
 * asciicast v2: a JSON header line, then one `[time, code, data]` line per event — "o" output, "i" input,
 * "r" resize ("COLSxROWS"), "m" marker.
 * @see https://docs.asciinema.org/manual/asciicast/v2/
 */
export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp: number;
  title?: string;
  env?: Record<string, string>;
}

/** Annotation types that become markers: what an auditor wants to jump to. */
const MARKED = new Set(['command', 'approval.requested', 'approval.decided', 'note', 'terminate']);

/**
 * Turns a terminal recording into asciicast v2 lines (each ending in "\n"). Output of every channel
 * (stdout, stderr) is "o", client bytes "i", resizes "r", commands and approvals "m". Bytes are decoded as
 * UTF-8 per channel and direction, so a character split across frames stays whole.
 */
export async function* castFromRecording(recording: Recording, opts: { title?: string } = {}): AsyncIterable<string> {
  const first = recording.chunks.length > 0 ? await recording.readChunk(0) : [];
  const size = initialSize(recording.header, first);
  const header: CastHeader = {
    version: 2,
    ...size,
    timestamp: Math.floor(recording.header.startedAtUs / 1e6),
    title: opts.title ?? `Vigil session ${recording.header.sessionId}`,
    env: { TERM: termOf(recording.header) },
  };
  yield `${JSON.stringify(header)}\n`;
  const decoders = new Map<string, InstanceType<typeof TextDecoder>>();
  const decode = (key: string, data: Uint8Array) => {
    let d = decoders.get(key);
    if (!d) {
      d = new TextDecoder('utf-8');
      decoders.set(key, d);
    }
    return d.decode(data, { stream: true });
  };
  for (let c = 0; c < recording.chunks.length; c++) {
    const frames = c === 0 ? first : await recording.readChunk(c);
    for (const f of frames) {
      const line = eventLine(f, decode);
      if (line) yield line;
    }
  }
}

function eventLine(f: Frame, decode: (key: string, data: Uint8Array) => string): string | undefined {
  const t = (f.tUs / 1e6).toFixed(6);
  switch (f.kind) {
    case 'bytes': {
      const text = decode(`${f.direction}:${f.channel}`, f.data);
      if (text === '') return undefined;
      return `[${t}, ${f.direction === 'server' ? '"o"' : '"i"'}, ${JSON.stringify(text)}]\n`;
    }
    case 'resize':
      return `[${t}, "r", "${f.cols}x${f.rows}"]\n`;
    case 'annotation': {
      const type = (f.value as { type?: unknown } | null)?.type;
      if (typeof type !== 'string' || !MARKED.has(type)) return undefined;
      return `[${t}, "m", ${JSON.stringify(annotationText(f.value, 500))}]\n`;
    }
  }
}

/** The terminal size from the header (`cols`/`rows`, or `terminal: {cols, rows}`), else the first resize, else 80×24. */
function initialSize(header: RecordingHeader, first: readonly Frame[]): { width: number; height: number } {
  const term = (typeof header.terminal === 'object' && header.terminal !== null ? header.terminal : header) as Record<
    string,
    unknown
  >;
  const cols = Number(term.cols ?? term.width);
  const rows = Number(term.rows ?? term.height);
  if (cols > 0 && rows > 0) return { width: cols, height: rows };
  for (const f of first) {
    if (f.kind === 'resize') return { width: f.cols, height: f.rows };
    if (f.kind === 'bytes' && f.direction === 'server') break;
  }
  return { width: 80, height: 24 };
}

function termOf(header: RecordingHeader): string {
  const term = (header.terminal as { term?: unknown } | undefined)?.term ?? header.term;
  return typeof term === 'string' && term !== '' ? term : 'xterm-256color';
}
