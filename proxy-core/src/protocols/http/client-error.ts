import { maxHeaderSize } from 'node:http';

/** The answer to a request Node's HTTP parser refused, or one whose headers did not arrive in time. */
export interface ClientErrorAnswer {
  status: number;
  reason: string;
  message: string;
}

/**
 * What to tell a client whose request could not be read (the server's `clientError`): the status a client
 * library understands (431 for oversized headers, 408 for a timeout) and the parser's own reason, so the agent's
 * developer sees what was wrong with the bytes it sent.
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException & { reason?: unknown }): ClientErrorAnswer {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      message: `request headers larger than ${maxHeaderSize} bytes`,
    };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, reason: 'Request Timeout', message: 'the request headers did not arrive in time' };
  }
  const why = typeof err.reason === 'string' && err.reason !== '' ? `: ${err.reason}` : '';
  return { status: 400, reason: 'Bad Request', message: `malformed HTTP request${why}` };
}
