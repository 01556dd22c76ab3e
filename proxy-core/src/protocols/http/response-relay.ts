/**
 * Upstream response → agent: masking by body kind, recording of what the agent receives, backpressure throughout.
 * - JSON up to `maxBufferedResponseBytes`: held whole, masked by JSON path and detectors, sent with its new length.
 * - Larger JSON, and text: masked by detectors chunk by chunk (text-stream-masker.ts); a larger JSON body on a
 *   connection with JSON-path rules is refused instead (502), since those rules could not be applied.
 * - Binary, or nothing to mask with: streamed as is.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { RecordedSession } from '../../pipeline/recorded-session.types';
import { bodyKind } from './body-kind';
import { bodyChunks, readUpTo } from './body-reader';
import { maskSecretsInHeaders } from './credential-masker';
import { forwardResponseHeaders, recordedResponseHead } from './header-rules';
import { HttpError } from './http-error';
import type { TextMasker } from './http-listener.types';
import { maskJson } from './json-masker';
import type { JsonPath } from './json-path';
import { recordingBackpressure } from './recorder-backpressure';
import { applyMasks, type MaskSpan, maskTextStream } from './text-stream-masker';

export interface RelayContext {
  session: RecordedSession;
  exchange: number;
  method: string;
  /** Detectors, with the connection's credential values first (credential-masker.ts). */
  maskText: TextMasker | undefined;
  jsonPaths: readonly JsonPath[];
  /** The connection's credential values: masked in response headers too. */
  secrets: readonly string[];
  style: 'redact' | 'partial';
  maxBufferedBytes: number;
}

export interface RelayResult {
  status: number;
  /** Body bytes the agent received. */
  bytes: number;
  /** Frame holding the status line (and the whole body when it was held). */
  frame: number;
  masked: number;
}

/** Resolves when the body is fully sent; rejects when either side breaks off (the caller destroys both). */
export async function relayResponse(up: IncomingMessage, res: ServerResponse, ctx: RelayContext): Promise<RelayResult> {
  const status = up.statusCode ?? 502;
  const message = up.statusMessage ?? '';
  const kind = bodyKind(up.headers['content-type']);
  const bodyless = ctx.method === 'HEAD' || status === 204 || status === 304;
  const canMask = kind === 'json' ? ctx.maskText !== undefined || ctx.jsonPaths.length > 0 : ctx.maskText !== undefined;
  const result: RelayResult = { status, bytes: 0, frame: -1, masked: 0 };
  const onMasks = (spans: readonly MaskSpan[], count = spans.length) => {
    result.masked += count;
    ctx.session.countMasked(count);
    ctx.session.annotate({ type: 'mask', exchange: ctx.exchange, frame: result.frame, part: 'response.body', spans });
  };

  if (bodyless || kind === 'binary' || !canMask) {
    const headers = responseHeaders(up, new Set(), ctx);
    result.frame = recordHead(ctx.session, status, message, headers);
    res.writeHead(status, message, headers);
    await pipeline(up, recordChunks(ctx.session, result), res);
    return result;
  }
  const drop = new Set(['content-length', 'content-md5', 'content-encoding']);
  const source = decoded(up);
  if (kind === 'json') {
    const read = await readUpTo(source, ctx.maxBufferedBytes);
    if (read.complete) {
      const masked =
        maskJson(read.body, { paths: ctx.jsonPaths, style: ctx.style, maskText: ctx.maskText }) ??
        maskWholeText(read.body, ctx.maskText);
      const headers = { ...responseHeaders(up, drop, ctx), 'content-length': String(masked.body.length) };
      const head = Buffer.from(recordedResponseHead(status, message, headers), 'latin1');
      result.frame = ctx.session.serverBytes(Buffer.concat([head, masked.body]), 1);
      if (masked.count > 0) onMasks(masked.spans, masked.count);
      result.bytes = masked.body.length;
      res.writeHead(status, message, headers);
      res.end(masked.body);
      return result;
    }
    if (ctx.jsonPaths.length > 0 || !ctx.maskText) {
      void read.rest.return?.();
      throw new HttpError(
        502,
        `the JSON response is larger than ${ctx.maxBufferedBytes} bytes, too large to mask by JSON path`,
      );
    }
    return streamText(bodyChunks(read), res, up, drop, ctx, result, onMasks);
  }
  return streamText(source, res, up, drop, ctx, result, onMasks);
}

async function streamText(
  source: AsyncIterable<Buffer>,
  res: ServerResponse,
  up: IncomingMessage,
  drop: ReadonlySet<string>,
  ctx: RelayContext,
  result: RelayResult,
  onMasks: (spans: readonly MaskSpan[]) => void,
): Promise<RelayResult> {
  const headers = responseHeaders(up, drop, ctx);
  result.frame = recordHead(ctx.session, result.status, up.statusMessage ?? '', headers);
  res.writeHead(result.status, up.statusMessage ?? '', headers);
  const masker = ctx.maskText as TextMasker;
  await pipeline(maskTextStream(source, { maskText: masker, onMasks }), recordChunks(ctx.session, result), res);
  return result;
}

function responseHeaders(up: IncomingMessage, drop: ReadonlySet<string>, ctx: RelayContext): OutgoingHttpHeaders {
  return maskSecretsInHeaders(forwardResponseHeaders(up.rawHeaders, drop), ctx.secrets);
}

function recordHead(session: RecordedSession, status: number, message: string, headers: OutgoingHttpHeaders): number {
  return session.serverBytes(Buffer.from(recordedResponseHead(status, message, headers), 'latin1'), 1);
}

/** A pipeline step that records each chunk as the agent receives it. */
function recordChunks(session: RecordedSession, result: RelayResult) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      session.serverBytes(chunk, 1);
      result.bytes += chunk.length;
      yield chunk;
      const recorder = recordingBackpressure(session);
      if (recorder) await recorder;
    }
  };
}

/** Masking needs the plain body: Vigil asks for `identity`, and decodes what comes compressed anyway. */
function decoded(up: IncomingMessage): AsyncIterable<Buffer> {
  const encoding = String(up.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (encoding === '' || encoding === 'identity') return up;
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder)
    throw new HttpError(502, `the upstream answered with content-encoding ${encoding}, which Vigil cannot unmask`);
  // Errors reach the reader through the decoder, which pipeline destroys with them.
  pipeline(up, decoder).catch(() => {});
  return decoder;
}

function maskWholeText(
  body: Buffer,
  maskText: TextMasker | undefined,
): { body: Buffer; spans: MaskSpan[]; count: number } {
  const text = body.toString('latin1');
  const masks = maskText ? maskText(text).masks : [];
  if (masks.length === 0) return { body, spans: [], count: 0 };
  const { out, spans } = applyMasks(text, masks, text.length, 0);
  return { body: Buffer.from(out, 'latin1'), spans, count: masks.length };
}
