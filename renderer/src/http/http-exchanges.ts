// The exchanges of an HTTP session, rebuilt from its frames (proxy-core/src/protocols/http/README.md, "Sessions and
// recordings"): client channel 0 carries each request (request line, headers, body; a streamed body continues in
// further frames), server channel 1 each response; annotations add the decision (`command`), masked spans (`mask`)
// and, once the exchange is over, its summary (`http.exchange`). A keep-alive connection carries one exchange at
// a time, so continuation frames belong to the latest exchange.

import type { BytesFrame, Frame } from '../api/api.types';
import { hexToBytes } from '../lib/hex';
import type { MaskSpan } from './body-text';
import { requestLine, startsRequest, startsResponse } from './http-message';

export interface HttpPart {
  /** The first frame (request line or status line). */
  frame: number;
  chunks: Uint8Array[];
  /** Bytes recorded, across the part's frames. */
  size: number;
  /** Bytes at hand: less than `size` when the API sent only the head of large frames. */
  shown: number;
}

export interface HttpExchange {
  /** The request's frame number: unique within the session. */
  id: number;
  tUs: number;
  method: string;
  /** The upstream URL (from the summary), else the request target as the agent sent it. */
  url: string;
  status: number | null;
  requestBytes: number | null;
  responseBytes: number | null;
  durationMs: number | null;
  /** Policy's decision (`allow`, `deny`, `review`), then the approval's outcome (`approved`, `denied`, `expired`…). */
  decision: string | null;
  rule: string | null;
  requestId: string | null;
  masked: number;
  masks: MaskSpan[];
  error: string | null;
  request: HttpPart;
  response: HttpPart | null;
  /** The `http.exchange` summary has been recorded. */
  done: boolean;
}

type Raw = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The frame's bytes: all of them for a recording opened in the browser, else the head the API sent as hex. */
function frameBytes(frame: BytesFrame): Uint8Array {
  return frame.data ?? hexToBytes(frame.hex);
}

function part(frame: BytesFrame, bytes: Uint8Array): HttpPart {
  return { frame: frame.n, chunks: [bytes], size: frame.size, shown: bytes.length };
}

function extend(p: HttpPart, frame: BytesFrame, bytes: Uint8Array): void {
  p.chunks.push(bytes);
  p.size += frame.size;
  p.shown += bytes.length;
}

/** The part's bytes at hand, joined. */
export function partBytes(p: HttpPart): Uint8Array {
  if (p.chunks.length === 1) return p.chunks[0] as Uint8Array;
  const out = new Uint8Array(p.shown);
  let at = 0;
  for (const chunk of p.chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function newExchange(frame: BytesFrame, bytes: Uint8Array): HttpExchange {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 8192)));
  const line = requestLine(head.split(/\r?\n/, 1)[0] ?? '');
  return {
    id: frame.n,
    tUs: frame.tUs,
    method: line?.method ?? '?',
    url: line?.target ?? '?',
    status: null,
    requestBytes: null,
    responseBytes: null,
    durationMs: null,
    decision: null,
    rule: null,
    requestId: null,
    masked: 0,
    masks: [],
    error: null,
    request: part(frame, bytes),
    response: null,
    done: false,
  };
}

function summarize(x: HttpExchange, a: Raw): void {
  x.done = true;
  x.method = str(a.method) ?? x.method;
  x.url = str(a.url) ?? x.url;
  x.status = num(a.status) || x.status;
  x.requestBytes = num(a.requestBytes);
  x.responseBytes = num(a.responseBytes);
  x.durationMs = num(a.durationMs);
  x.decision = str(a.decision) ?? x.decision;
  x.masked = num(a.masked) ?? x.masked;
  x.error = str(a.error);
}

function maskSpans(a: Raw): MaskSpan[] {
  if (!Array.isArray(a.spans)) return [];
  return a.spans.flatMap((s: unknown) => {
    const span = s as Raw;
    const start = num(span?.start);
    const end = num(span?.end);
    return start !== null && end !== null && end > start ? [{ start, end, rule: str(span.rule) ?? 'masked' }] : [];
  });
}

/** Exchanges that started in `frames` (in frame order), as of the last of them. */
export function buildExchanges(frames: Iterable<Frame>): HttpExchange[] {
  const exchanges: HttpExchange[] = [];
  const byRequest = new Map<number, HttpExchange>();
  const byResponse = new Map<number, HttpExchange>();
  const byApproval = new Map<string, HttpExchange>();
  let current: HttpExchange | undefined;
  for (const frame of frames) {
    if (frame.kind === 'bytes') {
      const bytes = frameBytes(frame);
      if (frame.direction === 'client' && frame.channel === 0) {
        const over = !current || current.done || current.response !== null;
        if (over && startsRequest(bytes)) {
          current = newExchange(frame, bytes);
          exchanges.push(current);
          byRequest.set(current.id, current);
        } else if (current) extend(current.request, frame, bytes);
      } else if (frame.direction === 'server' && frame.channel === 1 && current) {
        if (!current.response && startsResponse(bytes)) {
          current.response = part(frame, bytes);
          byResponse.set(frame.n, current);
        } else if (current.response) extend(current.response, frame, bytes);
      }
      continue;
    }
    if (frame.kind !== 'annotation') continue;
    const a = frame.value as unknown as Raw;
    switch (a.type) {
      case 'command': {
        const x = byRequest.get(num(a.frame) ?? -1);
        if (!x) break;
        x.decision ??= str(a.decision);
        x.rule = str(a.rule);
        x.requestId = str(a.requestId);
        if (x.requestId) byApproval.set(x.requestId, x);
        break;
      }
      case 'approval.decided': {
        const x = byApproval.get(str(a.requestId) ?? '');
        if (x) x.decision = a.decision === 'approve' ? 'approved' : 'denied';
        break;
      }
      case 'mask': {
        const x = byResponse.get(num(a.frame) ?? -1);
        if (x && a.part === 'response.body') x.masks.push(...maskSpans(a));
        break;
      }
      case 'http.exchange': {
        const x = byRequest.get(num(a.requestFrame) ?? -1);
        if (x) summarize(x, a);
        break;
      }
    }
  }
  return exchanges;
}

/** The exchange shown for the cursor: the last one whose request was recorded at or before it. */
export function exchangeAt(exchanges: readonly HttpExchange[], cursor: number): HttpExchange | null {
  for (let i = exchanges.length - 1; i >= 0; i -= 1) {
    const x = exchanges[i];
    if (x && x.id <= cursor) return x;
  }
  return null;
}

/** Where the URL's path starts (the list shows the path; the full URL is in the detail). */
export function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
