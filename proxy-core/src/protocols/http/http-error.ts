import type { OutgoingHttpHeaders } from 'node:http';

/**
 * An answer from Vigil itself (not the upstream): serializes itself as JSON `{ error, …extra }` so every refusal
 * reads the same to an agent. Messages never carry tokens, credentials or internal details.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(message);
  }

  body(): Buffer {
    return Buffer.from(JSON.stringify({ error: this.message, ...this.extra }));
  }

  /** The headers of the answer, for `writeHead` and for the recording. */
  responseHeaders(body: Buffer, close: boolean): OutgoingHttpHeaders {
    return {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(body.length),
      'cache-control': 'no-store',
      ...(close ? { connection: 'close' } : {}),
      ...this.headers,
    };
  }
}

/** RFC 6750 §3: the challenge that goes with a refused bearer token (401) or a missing role (403). */
export function bearerChallenge(
  realm: string,
  error?: 'invalid_token' | 'invalid_request' | 'insufficient_scope',
  description?: string,
): string {
  let value = `Bearer realm="${realm}"`;
  if (error) value += `, error="${error}"`;
  // A quoted-string may not hold `"` or `\` unescaped; keep the description plain ASCII (RFC 6750 §3).
  if (description) value += `, error_description="${description.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ')}"`;
  return value;
}
