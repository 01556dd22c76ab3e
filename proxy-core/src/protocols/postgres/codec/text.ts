/**
 * UTF-8 helpers shared by the reader and the writer. Strings on the wire are in client_encoding:
 * the codec assumes UTF8, so a session must keep it UTF8 (or refuse others) for SQL text to decode
 * as what PostgreSQL will run.
 */

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Below this many bytes a hand loop beats TextDecoder's call overhead for ASCII (names, tags). */
const SHORT_ASCII = 32;

/** Decodes `bytes[start, end)`; invalid sequences become U+FFFD rather than throwing. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT_ASCII) {
    let out = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      if (b >= 0x80) return decoder.decode(bytes.subarray(start, end));
      out += String.fromCharCode(b);
    }
    return out;
  }
  return decoder.decode(bytes.subarray(start, end));
}

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Writes `text` at `offset` (which must have room for 3 bytes per UTF-16 unit); returns bytes written. */
export function encodeUtf8Into(text: string, target: Uint8Array, offset: number): number {
  return encoder.encodeInto(text, target.subarray(offset)).written;
}

/** Exact UTF-8 length without encoding (lone surrogates count as U+FFFD, as TextEncoder writes them). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
