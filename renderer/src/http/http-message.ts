// A recorded HTTP/1.1 message (RFC 9112 §2.1): start line, header fields, empty line, body. The gateway records
// the request as the agent sent it (secret headers read `[redacted]`) and the response as the agent received it.

export interface HttpHead {
  /** `GET /v2/invoices HTTP/1.1` or `HTTP/1.1 200 OK`. */
  startLine: string;
  headers: [name: string, value: string][];
}

export interface HttpMessage extends HttpHead {
  body: Uint8Array;
  /** False when the bytes end before the empty line after the headers. */
  complete: boolean;
}

const CRLF = 0x0d;
const LF = 0x0a;

/** Where the body starts: after the first CRLF CRLF (or bare LF LF), or -1. */
function bodyStart(bytes: Uint8Array): number {
  for (let i = 0; i + 1 < bytes.length; i += 1) {
    if (bytes[i] === LF && bytes[i + 1] === LF) return i + 2;
    if (bytes[i] === CRLF && bytes[i + 1] === LF && bytes[i + 2] === CRLF && bytes[i + 3] === LF) return i + 4;
  }
  return -1;
}

/** Header fields are ISO-8859-1 on the wire (RFC 9110 §5.5). */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += String.fromCharCode(byte);
  return out;
}

export function parseHttpMessage(bytes: Uint8Array): HttpMessage {
  const start = bodyStart(bytes);
  const headEnd = start < 0 ? bytes.length : start;
  const lines = latin1(bytes.subarray(0, headEnd)).split(/\r?\n/);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return {
    startLine: lines[0] ?? '',
    headers,
    body: start < 0 ? new Uint8Array(0) : bytes.subarray(start),
    complete: start >= 0,
  };
}

/** `GET /v2/invoices?x=1 HTTP/1.1` → method and target. */
export function requestLine(startLine: string): { method: string; target: string } | null {
  const match = /^([A-Z][A-Z0-9_-]*) (\S+) HTTP\/\d(?:\.\d)?$/.exec(startLine);
  return match ? { method: match[1] ?? '', target: match[2] ?? '' } : null;
}

/** `HTTP/1.1 404 Not Found` → 404. */
export function statusOf(startLine: string): number | null {
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})\b/.exec(startLine);
  return match ? Number(match[1]) : null;
}

/** True when the bytes begin a request (a request line), not a continuation of a streamed body. */
export function startsRequest(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8200);
  let i = 0;
  while (i < end && bytes[i] !== CRLF && bytes[i] !== LF) i += 1;
  return i < end && requestLine(latin1(bytes.subarray(0, i))) !== null;
}

/** True when the bytes begin a response (a status line). */
export function startsResponse(bytes: Uint8Array): boolean {
  return statusOf(latin1(bytes.subarray(0, Math.min(bytes.length, 16)))) !== null;
}

export function headerValue(headers: readonly [string, string][], name: string): string | null {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1] ?? null;
}
