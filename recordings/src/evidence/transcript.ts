import type { BytesFrame } from '../recording.types';
import type { Recording } from '../recording-reader';
import { annotationText } from './annotation-text';

/**
 * Describes one recorded bytes frame as readable lines (e.g. decoded PostgreSQL messages). Injected because
 * protocol decoders live with the protocols; the default shows the bytes as escaped text.
 */
export type FrameDescriber = (frame: BytesFrame) => string[];

export interface TranscriptOptions {
  describe?: FrameDescriber;
  /** Lines written before the frames (session facts, hashes). */
  preamble?: readonly string[];
}

const MAX_TEXT = 4000;

/** Escaped text of a frame's bytes: printable ASCII and UTF-8 as is, control bytes as \n, \r, \t or \xNN. */
export const textDescriber: FrameDescriber = (frame) => {
  const text = new TextDecoder('utf-8').decode(frame.data.subarray(0, MAX_TEXT));
  const escaped = escapeControls(text);
  const more = frame.data.length > MAX_TEXT ? ` … (${frame.data.length - MAX_TEXT} more bytes)` : '';
  return [`${escaped}${more}`];
};

/**
 * A readable transcript, one line per event: offset from the session start, the frame number, an arrow for
 * the direction (→ sent by the client, ← received by the client, ⇵ terminal resize, ● annotation), then
 * what it was. Streams one chunk at a time.
 */
export async function* transcriptFromRecording(
  recording: Recording,
  opts: TranscriptOptions = {},
): AsyncIterable<string> {
  const describe = opts.describe ?? textDescriber;
  const h = recording.header;
  const lines = [
    ...(opts.preamble ?? []),
    `session ${h.sessionId}  protocol ${h.protocol}  connection ${h.connection ?? '-'}  principal ${principalOf(h.principal)}`,
    `started ${h.startedAt}; times below are seconds since then. → client sent, ← client received, ● Vigil annotation`,
    '',
  ];
  yield `${lines.join('\n')}\n`;
  for (let c = 0; c < recording.chunks.length; c++) {
    let out = '';
    for (const f of await recording.readChunk(c)) {
      const at = `+${(f.tUs / 1e6).toFixed(6).padStart(12)}  #${String(f.n).padEnd(7)}`;
      if (f.kind === 'annotation') out += `${at} ●  ${annotationText(f.value)}\n`;
      else if (f.kind === 'resize') out += `${at} ⇵  terminal ${f.cols}x${f.rows}\n`;
      else {
        const arrow = f.direction === 'client' ? '→' : '←';
        const channel = f.channel === 0 ? '' : `[channel ${f.channel}] `;
        const described = describe(f);
        out += `${at} ${arrow}  ${channel}${described[0] ?? ''}\n`;
        for (const more of described.slice(1)) out += `${' '.repeat(at.length)}    ${more}\n`;
      }
    }
    yield out;
  }
  const seal = recording.seal;
  yield seal
    ? `\nsealed ${seal.endedAt} (${seal.interrupted ? 'interrupted' : 'closed'}: ${seal.reason}); ${seal.frameCount} frames, final hash ${seal.finalHash}\n`
    : '\nnot sealed: the recording was interrupted\n';
}

function principalOf(p: unknown): string {
  if (typeof p === 'string') return p;
  if (typeof p === 'object' && p !== null) {
    const o = p as Record<string, unknown>;
    return String(o.sub ?? o.subject ?? JSON.stringify(p));
  }
  return '-';
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function escapeControls(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += NAMED[ch] ?? (c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch);
  }
  return out;
}
