import { describe, expect, it } from 'vitest';
import { clientErrorAnswer } from './client-error';

const parseError = (code: string, reason?: string) =>
  Object.assign(new Error(`Parse Error: ${reason}`), { code, reason });

describe('clientErrorAnswer', () => {
  it('answers oversized headers with 431 and the limit', () => {
    expect(clientErrorAnswer(parseError('HPE_HEADER_OVERFLOW', 'Header overflow'))).toEqual({
      status: 431,
      reason: 'Request Header Fields Too Large',
      message: 'request headers larger than 16384 bytes',
    });
  });

  it('answers headers that did not arrive in time with 408', () => {
    expect(clientErrorAnswer(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' })).status).toBe(
      408,
    );
  });

  it("answers anything else the parser refused with 400 and the parser's reason, or without one", () => {
    expect(clientErrorAnswer(parseError('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size'))).toEqual({
      status: 400,
      reason: 'Bad Request',
      message: 'malformed HTTP request: Invalid character in chunk size',
    });
    expect(clientErrorAnswer(parseError('HPE_SOMETHING')).message).toBe('malformed HTTP request');
  });
});
