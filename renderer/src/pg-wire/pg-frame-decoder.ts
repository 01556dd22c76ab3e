import type { Direction, PgMessage } from '../api/api.types';
import { type BackendState, describeBackend } from './pg-backend';
import { type DescribedMessage, describeFrontend } from './pg-frontend';
import { FRONTEND, REQUEST_CODE } from './pg-message-codes';
import { PgDecodeError, PgReader } from './pg-reader';

export interface DecodedPgFrame {
  messages: PgMessage[];
  /** More messages than MAX_MESSAGES: the rest are left out (their bytes are still in the recording). */
  truncated: boolean;
}

/** A frame of 64 KiB of tiny DataRows is ~6 000 messages; beyond this the inspector shows the hex. */
export const MAX_MESSAGES = 10_000;

/**
 * Decodes the PostgreSQL messages of one recorded bytes frame, in the browser, with the same types and fields
 * as the gateway's API (proxy-core `api/pg-frame-decoder.ts`), so a replay from an evidence packet looks like
 * one from the server; `proxy-core/test/pg-replay-decoders.test.ts` holds the two to that on recorded traffic. The gateway records whole messages per frame; a client frame may start with the
 * startup packet. A message that does not parse becomes `Invalid`, a cut-off tail `Partial`; never throws.
 * @see https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
export function decodePgFrame(direction: Direction, data: Uint8Array): DecodedPgFrame {
  const messages: PgMessage[] = [];
  const state: BackendState = { formats: undefined };
  let offset = 0;
  if (direction === 'client' && looksLikeStartup(data)) {
    const length = int32At(data, 0);
    messages.push({ offset: 0, length, ...describeStartup(data.subarray(4, length)) });
    offset = length;
  }
  while (offset < data.length) {
    if (messages.length >= MAX_MESSAGES) return { messages, truncated: true };
    const rest = data.length - offset;
    // Type byte, then an Int32 length that counts itself but not the type byte.
    const length = rest >= 5 ? int32At(data, offset + 1) : -1;
    if (length < 4 || length + 1 > rest) {
      messages.push({ type: 'Partial', offset, length: rest, fields: { reason: 'incomplete message' } });
      break;
    }
    const code = data[offset] as number;
    const body = data.subarray(offset + 5, offset + 1 + length);
    messages.push({ offset, length: length + 1, ...describe(direction, code, body, state) });
    offset += length + 1;
  }
  return { messages, truncated: false };
}

function describe(direction: Direction, code: number, body: Uint8Array, state: BackendState): DescribedMessage {
  if (direction === 'client' && code === FRONTEND.password) return { type: 'PasswordMessage', fields: {} };
  try {
    const r = new PgReader(body);
    const message = direction === 'client' ? describeFrontend(code, r) : describeBackend(code, r, state);
    // Bytes the message's type does not account for: the gateway's parser refuses it, and so do we.
    if (r.remaining !== 0) throw new PgDecodeError(`${r.remaining} unexpected bytes at the end of ${message.type}`);
    return message;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { type: 'Invalid', fields: { code: String.fromCharCode(code), error: message } };
  }
}

/** StartupMessage, SSLRequest, GSSENCRequest, CancelRequest: an Int32 code after the length, no type byte. */
function describeStartup(body: Uint8Array): DescribedMessage {
  const r = new PgReader(body);
  try {
    const code = r.int32();
    if (code === REQUEST_CODE.ssl) return { type: 'SSLRequest', fields: {} };
    if (code === REQUEST_CODE.gssenc) return { type: 'GSSENCRequest', fields: {} };
    if (code === REQUEST_CODE.cancel) return { type: 'CancelRequest', fields: {} };
    const params: Record<string, string> = {};
    for (let name = r.cstring(); name !== ''; name = r.cstring()) params[name] = r.cstring();
    if (r.remaining !== 0) throw new PgDecodeError('bytes after the terminator of the startup packet');
    if (!params.user) throw new PgDecodeError('no PostgreSQL user name specified in startup packet');
    return { type: 'StartupMessage', fields: { protocol: `${code >>> 16}.${code & 0xffff}`, params } };
  } catch (error) {
    return { type: 'Invalid', fields: { error: error instanceof Error ? error.message : String(error) } };
  }
}

/** A startup-phase packet: Int32 length within the frame and a protocol (major 3) or request code. */
function looksLikeStartup(data: Uint8Array): boolean {
  if (data.length < 8) return false;
  const length = int32At(data, 0);
  if (length < 8 || length > data.length) return false;
  const code = int32At(data, 4);
  return code >>> 16 === 3 || code === REQUEST_CODE.ssl || code === REQUEST_CODE.gssenc || code === REQUEST_CODE.cancel;
}

function int32At(data: Uint8Array, at: number): number {
  return (
    (((data[at] as number) << 24) |
      ((data[at + 1] as number) << 16) |
      ((data[at + 2] as number) << 8) |
      (data[at + 3] as number)) >>>
    0
  );
}
