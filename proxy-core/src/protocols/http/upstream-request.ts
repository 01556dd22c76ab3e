/** Sends one request to the upstream API and resolves with its response head (the body is read by the relay). */
import { type Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './http-error';
import type { UpstreamTarget } from './request-target';

export interface UpstreamAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

export interface UpstreamSend {
  target: UpstreamTarget;
  method: string;
  headers: Record<string, string>;
  /** The whole body, or its chunks as they stream from the agent (with backpressure). */
  body: Buffer | AsyncIterable<Buffer>;
  agents: UpstreamAgents;
  idleTimeoutMs: number;
  connectionName: string;
}

export function sendUpstream(send: UpstreamSend): Promise<IncomingMessage> {
  const { target } = send;
  const options = {
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: send.method,
    path: target.path,
    headers: send.headers,
    setHost: false,
    timeout: send.idleTimeoutMs,
  };
  return new Promise((resolve, reject) => {
    const req =
      target.protocol === 'https:'
        ? httpsRequest({ ...options, agent: send.agents.https })
        : httpRequest({ ...options, agent: send.agents.http });
    req.once('response', resolve);
    // Kept for the request's lifetime: after the response, errors reach the relay through the response stream.
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why = err instanceof HttpError ? err : unavailable(send.connectionName, err);
      reject(why);
    });
    req.once('timeout', () =>
      req.destroy(new HttpError(504, `upstream for connection "${send.connectionName}" did not answer in time`)),
    );
    if (Buffer.isBuffer(send.body)) {
      req.end(send.body);
    } else {
      // An upstream may answer (e.g. 413) before reading the whole body; its response still wins.
      pipeline(send.body, req).catch((err: Error) => req.destroy(err));
    }
  });
}

function unavailable(connection: string, err: NodeJS.ErrnoException): HttpError {
  return new HttpError(502, `upstream for connection "${connection}" is unavailable (${err.code ?? err.message})`);
}
