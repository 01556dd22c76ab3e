// A recorded body as the IDE shows it: text (JSON re-indented), with the spans the gateway masked marked. The
// mask annotations give byte offsets into the recorded body; re-indenting moves text, so offsets are mapped along.

export interface MaskSpan {
  start: number;
  end: number;
  rule: string;
}

export interface TextSegment {
  text: string;
  /** The masking rule, when this text is what the gateway put in place of a value. */
  mask?: string;
}

export type BodyView =
  | { kind: 'empty' }
  | { kind: 'binary'; size: number }
  | { kind: 'text'; json: boolean; segments: TextSegment[] };

const BINARY_TYPE =
  /^(application\/(octet-stream|zip|gzip|pdf|x-protobuf|protobuf|grpc)|image\/|audio\/|video\/|font\/)/i;
const JSON_TYPE = /^application\/([\w.+-]*\+)?json\b|^text\/json\b/i;

/**
 * JSON with two-space indentation, changing only whitespace outside strings; `offsets[i]` is where input character
 * i landed in the output. Null when the text is not JSON (a truncated body, say).
 */
export function reindentJson(src: string): { text: string; offsets: number[] } | null {
  try {
    JSON.parse(src);
  } catch {
    return null;
  }
  const offsets: number[] = new Array(src.length + 1).fill(0);
  let out = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  const newline = () => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < src.length; i += 1) {
    const c = src[i] as string;
    offsets[i] = out.length;
    if (inString) {
      out += c;
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = nextNonSpace(src, i + 1);
      if (src[close] === (c === '{' ? '}' : ']')) {
        // An empty object or array stays on one line.
        out += c;
        for (let k = i + 1; k < close; k += 1) offsets[k] = out.length;
        offsets[close] = out.length;
        out += src[close];
        i = close;
      } else {
        depth += 1;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth -= 1;
      out += newline();
      offsets[i] = out.length;
      out += c;
    } else if (c === ',') out += c + newline();
    else if (c === ':') out += ': ';
    else if (!/\s/.test(c)) out += c;
  }
  offsets[src.length] = out.length;
  return { text: out, offsets };
}

function nextNonSpace(src: string, from: number): number {
  let i = from;
  while (i < src.length && /\s/.test(src[i] as string)) i += 1;
  return i;
}

/** UTF-16 offsets of the byte offsets in `bytes` (mask spans count bytes; strings count UTF-16 units). */
function charOffsets(bytes: Uint8Array, byteOffsets: readonly number[]): number[] {
  const decoder = new TextDecoder();
  return byteOffsets.map((b) => decoder.decode(bytes.subarray(0, Math.max(0, Math.min(b, bytes.length)))).length);
}

/** Splits text into plain and masked segments; spans are [start, end) character offsets, possibly overlapping. */
export function segment(text: string, spans: readonly { start: number; end: number; rule: string }[]): TextSegment[] {
  const sorted = spans
    .map((s) => ({ ...s, start: Math.max(0, s.start), end: Math.min(text.length, s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const segments: TextSegment[] = [];
  let at = 0;
  for (const span of sorted) {
    if (span.end <= at) continue;
    const start = Math.max(at, span.start);
    if (start > at) segments.push({ text: text.slice(at, start) });
    segments.push({ text: text.slice(start, span.end), mask: span.rule });
    at = span.end;
  }
  if (at < text.length || segments.length === 0) segments.push({ text: text.slice(at) });
  return segments;
}

/** Control characters other than tab and line breaks, or bytes that are not UTF-8, near the start. */
function looksBinary(text: string): boolean {
  for (let i = 0; i < Math.min(text.length, 512); i += 1) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffd) return true;
  }
  return false;
}

/** What to show for a body: nothing, "binary", or text (pretty JSON when it parses) with its masked spans. */
export function bodyView(body: Uint8Array, contentType: string | null, masks: readonly MaskSpan[]): BodyView {
  if (body.length === 0) return { kind: 'empty' };
  if (contentType && BINARY_TYPE.test(contentType)) return { kind: 'binary', size: body.length };
  const text = new TextDecoder().decode(body);
  if (!contentType && looksBinary(text)) return { kind: 'binary', size: body.length };
  const starts = charOffsets(
    body,
    masks.map((m) => m.start),
  );
  const ends = charOffsets(
    body,
    masks.map((m) => m.end),
  );
  const spans = masks.map((m, i) => ({ start: starts[i] ?? 0, end: ends[i] ?? 0, rule: m.rule }));
  const looksJson = contentType ? JSON_TYPE.test(contentType) : /^\s*[[{]/.test(text);
  const pretty = looksJson ? reindentJson(text) : null;
  if (!pretty) return { kind: 'text', json: false, segments: segment(text, spans) };
  const { offsets } = pretty;
  const moved = spans.map((s) => ({
    rule: s.rule,
    start: offsets[s.start] ?? 0,
    end: s.end > s.start ? (offsets[s.end - 1] ?? 0) + 1 : (offsets[s.start] ?? 0),
  }));
  return { kind: 'text', json: true, segments: segment(pretty.text, moved) };
}

/** Header values the gateway redacted read exactly this. */
export const REDACTED = '[redacted]';
