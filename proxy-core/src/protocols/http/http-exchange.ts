/**
 * One request/response exchange through the pipeline: identity → connection → session → policy → (approval) →
 * credential injection → upstream → masking → recording. Nothing the agent sends reaches the upstream before the
 * token is verified and the gate has allowed (or an approver approved) exactly this request.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Principal } from '../../identity/identity.types';
import type { Logger } from '../../logger';
import type { CommandDecision } from '../../store/store.types';
import { agentToken, insufficientRole, invalidToken, mayUseApis, missingToken } from './agent-auth';
import { type BodyRead, readUpTo } from './body-reader';
import type { ClientConnection, SessionEntry } from './client-connection';
import { credentialHeaderNames, injectCredential } from './credential-injector';
import { forwardRequestHeaders, recordedRequestHead, recordedResponseHead } from './header-rules';
import {
  ambiguousJsonBody,
  commandText,
  type HttpCommandToCheck,
  httpActions,
  overriddenMethods,
  policyBody,
  unreadBody,
} from './http-actions';
import { HttpError } from './http-error';
import type { HttpConnection, HttpLimits, HttpListenerOptions, TextMasker } from './http-listener.types';
import type { JsonPath } from './json-path';
import { recordingBackpressure } from './recorder-backpressure';
import {
  findProxyConnection,
  parseRequestTarget,
  type RequestTarget,
  type UpstreamTarget,
  upstreamTarget,
} from './request-target';
import { relayResponse } from './response-relay';
import { sha256Hex, UNSIGNED_PAYLOAD } from './sigv4';
import { sendUpstream, type UpstreamAgents } from './upstream-request';

export interface ExchangeDeps {
  options: HttpListenerOptions;
  limits: HttpLimits;
  agents: UpstreamAgents;
  /** The connection's masking, compiled once: JSON paths, detectors with its credential values, those values. */
  masking(connection: HttpConnection): ConnectionMasking;
  log: Logger;
}

export interface ConnectionMasking {
  jsonPaths: readonly JsonPath[];
  maskText: TextMasker | undefined;
  secrets: readonly string[];
}

/** What the `http.exchange` annotation says about one exchange. */
interface ExchangeRecord {
  type: 'http.exchange';
  exchange: number;
  method: string;
  url: string;
  status: number;
  requestBytes: number;
  responseBytes: number;
  durationMs: number;
  requestFrame: number;
  responseFrame: number;
  decision: CommandDecision | 'cancelled' | undefined;
  masked: number;
  error?: string;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  entry: SessionEntry;
  upstream: UpstreamTarget;
  deps: ExchangeDeps;
  record: ExchangeRecord;
  /** Send `100 Continue` once the request may proceed (the agent sent `Expect: 100-continue`). */
  expectContinue: boolean;
  clientGone(): boolean;
}

export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  client: ClientConnection,
  deps: ExchangeDeps,
  expectContinue: boolean,
): Promise<void> {
  const started = performance.now();
  let gone = false;
  res.once('close', () => {
    gone = !res.writableFinished;
  });
  let target: RequestTarget;
  try {
    target = parseRequestTarget(req.url ?? '');
  } catch (err) {
    return sendVigil(req, res, asHttpError(err, deps.log));
  }
  const proxy = target.mode === 'proxy';
  const name = target.mode === 'path' ? target.connection : target.hostname;
  const principal = await authenticate(req, res, client, { proxy, name }, deps);
  if (!principal) return;
  let connection: HttpConnection;
  let upstream: UpstreamTarget;
  try {
    connection = resolveConnection(target, req, deps.options);
    upstream = upstreamTarget(connection, target.pathAndQuery, !proxy);
  } catch (err) {
    const e = asHttpError(err, deps.log);
    deps.options.authFailed({
      connection: name,
      clientAddr: client.clientAddr,
      code: 'unknown_connection',
      reason: e.message,
      user: principal.sub,
    });
    return sendVigil(req, res, e);
  }
  let entry: SessionEntry;
  try {
    entry = client.sessionFor(principal, connection, upstream.base);
  } catch (err) {
    deps.log.error('cannot open a recorded session', { err, connection: connection.name });
    return sendVigil(
      req,
      res,
      new HttpError(503, 'Vigil cannot record this session right now, so the request is refused (fail closed)'),
    );
  }
  const record: ExchangeRecord = {
    type: 'http.exchange',
    exchange: ++entry.exchanges,
    method: req.method ?? '',
    url: upstream.url,
    status: 0,
    requestBytes: 0,
    responseBytes: 0,
    durationMs: 0,
    requestFrame: -1,
    responseFrame: -1,
    decision: undefined,
    masked: 0,
  };
  const exchange: Exchange = { req, res, entry, upstream, deps, record, expectContinue, clientGone: () => gone };
  await client.track(
    entry,
    runExchange(exchange).finally(() => {
      record.durationMs = Math.round(performance.now() - started);
      entry.session.annotate({ ...record });
    }),
  );
}

async function authenticate(
  req: IncomingMessage,
  res: ServerResponse,
  client: ClientConnection,
  { proxy, name }: { proxy: boolean; name: string },
  deps: ExchangeDeps,
): Promise<Principal | undefined> {
  const audit = (code: string, reason: string, user = '') =>
    deps.options.authFailed({ connection: name, clientAddr: client.clientAddr, code, reason, user });
  const token = agentToken(req.headers, proxy);
  if (!token) {
    audit('missing_token', 'no bearer token');
    sendVigil(req, res, missingToken(proxy));
    return undefined;
  }
  let principal: Principal;
  try {
    principal = await client.principal(token);
  } catch (err) {
    const e = err as { code?: string; message?: string; name?: string };
    // AuthError messages are written for the token holder; anything else stays in the log.
    const reason = e.name === 'AuthError' && e.message ? e.message : 'token could not be verified';
    if (e.name !== 'AuthError') deps.log.warn('token verification failed', { err });
    audit(e.code ?? 'error', reason);
    sendVigil(
      req,
      res,
      e.code === 'no_role' ? new HttpError(403, `token rejected: ${reason}`) : invalidToken(proxy, reason),
    );
    return undefined;
  }
  if (!mayUseApis(principal)) {
    const refusal = insufficientRole(proxy, principal);
    audit('no_role', refusal.message, principal.sub);
    sendVigil(req, res, refusal);
    return undefined;
  }
  return principal;
}

function resolveConnection(target: RequestTarget, req: IncomingMessage, options: HttpListenerOptions): HttpConnection {
  if (target.mode === 'proxy') {
    const chosen = req.headers['vigil-connection'];
    return findProxyConnection(target, options.listConnections(), typeof chosen === 'string' ? chosen : undefined);
  }
  const connection = options.findConnection(target.connection);
  if (!connection) throw new HttpError(404, `connection "${target.connection}" does not exist (or is not an HTTP API)`);
  return connection;
}

async function runExchange(x: Exchange): Promise<void> {
  const { req, res, entry, record, deps } = x;
  try {
    if (x.expectContinue) res.writeContinue();
    const read = await readUpTo(req, deps.limits.maxBufferedRequestBytes);
    const head = Buffer.from(recordedRequestHead(req, credentialHeaderNames(entry.connection.upstream.auth)), 'latin1');
    record.requestFrame = entry.session.clientBytes(
      Buffer.concat([head, ...(read.complete ? [read.body] : read.head)]),
      0,
    );
    record.requestBytes = read.complete ? read.body.length : read.headBytes;
    if (!(await decide(x, read))) return;
    const upstreamRes = await sendUpstream({
      target: x.upstream,
      method: req.method ?? 'GET',
      headers: upstreamHeaders(x, read),
      body: read.complete ? read.body : streamedBody(x, read),
      agents: deps.agents,
      idleTimeoutMs: deps.limits.upstreamIdleTimeoutMs,
      connectionName: entry.connection.name,
    });
    const result = await relayResponse(upstreamRes, res, {
      ...deps.masking(entry.connection),
      session: entry.session,
      exchange: record.exchange,
      method: record.method,
      style: entry.connection.masking?.style ?? 'redact',
      maxBufferedBytes: deps.limits.maxBufferedResponseBytes,
    }).catch((err: unknown) => {
      upstreamRes.destroy();
      throw err;
    });
    Object.assign(record, {
      status: result.status,
      responseBytes: result.bytes,
      responseFrame: result.frame,
      masked: result.masked,
    });
  } catch (err) {
    if (err instanceof HttpError && !res.headersSent) {
      respond(x, err);
      return;
    }
    record.error = x.clientGone() ? 'the agent closed the connection' : (err as Error).message;
    if (!x.clientGone()) deps.log.warn('exchange broken off', { err, session: entry.session.id });
    res.destroy();
  }
}

/** Policy, and approval when it asks for it: true when the request may go upstream (else answered already). */
async function decide(x: Exchange, read: BodyRead): Promise<boolean> {
  const { req, entry, record, deps, upstream } = x;
  const limit = deps.limits.maxPolicyBodyBytes;
  const bodyJson = read.complete ? policyBody(read.body, limit) : undefined;
  const info = { method: record.method, host: upstream.hostname, path: upstream.path, headers: req.headers };
  const actions = httpActions(info, bodyJson, unreadBody(read, bodyJson, limit, req.headers['content-encoding']));
  const text = commandText(record.method, upstream.path, overriddenMethods(info));
  const ambiguous = read.complete
    ? ambiguousJsonBody(read.body, limit, req.headers['content-type'], req.headers['content-encoding'])
    : undefined;
  if (ambiguous !== undefined) {
    const reason = `${ambiguous}: the upstream could read it otherwise than policy, so it was not sent`;
    entry.session.command({
      frame: record.requestFrame,
      text,
      decision: 'deny',
      rule: null,
      actions,
      detail: { reason, actions: [], statements: [] },
    });
    record.decision = 'deny';
    throw new HttpError(400, reason);
  }
  const check: HttpCommandToCheck = { text, via: 'request', frame: record.requestFrame, actions };
  let verdict: ReturnType<typeof entry.gate.check>;
  try {
    verdict = entry.gate.check(check);
  } catch (err) {
    deps.log.error('policy could not be evaluated', { err, session: entry.session.id });
    throw new HttpError(503, 'policy could not be evaluated, so the request was not sent (fail closed)');
  }
  entry.session.command({
    frame: record.requestFrame,
    text,
    decision: verdict.outcome,
    rule: verdict.rule,
    actions,
    ...(verdict.detail ? { detail: verdict.detail } : {}),
    ...(verdict.outcome === 'review' ? { requestId: verdict.requestId } : {}),
  });
  record.decision = verdict.outcome;
  if (verdict.outcome === 'allow') return true;
  if (verdict.outcome === 'deny') throw new HttpError(403, verdict.message, { rule: verdict.rule });
  const { requestId, rule } = verdict;
  if (!read.complete) {
    const limit = deps.limits.maxBufferedRequestBytes;
    throw new HttpError(413, `this request needs approval, and its body is over ${limit} bytes, too large to hold`, {
      rule,
      requestId,
    });
  }
  deps.log.info('request held for approval', { session: entry.session.id, requestId, text });
  const outcome = await verdict.decided;
  entry.session.annotate({
    type: 'approval.decided',
    requestId,
    decision: outcome.approved ? 'approve' : 'deny',
    approver: outcome.approver,
    reason: outcome.reason,
  });
  record.decision = outcome.approved
    ? 'approved'
    : outcome.status === 'expired'
      ? 'expired'
      : outcome.status === 'cancelled'
        ? 'cancelled'
        : 'denied';
  if (!outcome.approved) {
    const why =
      outcome.status === 'expired' ? 'approval timed out' : `${outcome.status} by ${outcome.approver ?? 'Vigil'}`;
    throw new HttpError(403, `request not approved (${why}${outcome.reason ? `: ${outcome.reason}` : ''})`, {
      rule,
      requestId,
    });
  }
  if (x.clientGone() || req.socket.destroyed) {
    record.error = 'the agent went away before the approval; the request was not sent';
    return false;
  }
  return true;
}

function upstreamHeaders(x: Exchange, read: BodyRead): Record<string, string> {
  const { req, entry, upstream } = x;
  const auth = entry.connection.upstream.auth;
  const headers = forwardRequestHeaders(req.headers, credentialHeaderNames(auth));
  headers.host = upstream.host;
  headers['accept-encoding'] = 'identity';
  const declared = req.headers['content-length'];
  if (read.complete) {
    if (read.body.length > 0 || declared !== undefined || req.headers['transfer-encoding'] !== undefined) {
      headers['content-length'] = String(read.body.length);
    }
  } else if (declared !== undefined) {
    headers['content-length'] = declared;
  }
  // A streamed body is not hashed before it is sent: UNSIGNED-PAYLOAD (S3 and the services that accept it).
  const payloadHash = read.complete ? sha256Hex(read.body) : UNSIGNED_PAYLOAD;
  injectCredential(headers, auth, { method: x.record.method, path: upstream.path, payloadHash, now: new Date() });
  return headers;
}

/** The request body beyond what was held: recorded chunk by chunk as it passes. */
async function* streamedBody(x: Exchange, read: Extract<BodyRead, { complete: false }>): AsyncGenerator<Buffer> {
  yield* read.head;
  for (;;) {
    const next = await read.rest.next();
    if (next.done) return;
    x.entry.session.clientBytes(next.value, 0);
    x.record.requestBytes += next.value.length;
    yield next.value;
    const recorder = recordingBackpressure(x.entry.session);
    if (recorder) await recorder;
  }
}

/** Vigil's own answer within a session: recorded as the response of the exchange. */
function respond(x: Exchange, err: HttpError): void {
  const body = err.body();
  const headers = err.responseHeaders(body, !x.req.complete);
  const head = Buffer.from(recordedResponseHead(err.status, STATUS_CODES[err.status] ?? '', headers), 'latin1');
  x.record.responseFrame = x.entry.session.serverBytes(Buffer.concat([head, body]), 1);
  x.record.status = err.status;
  x.record.responseBytes = body.length;
  x.res.writeHead(err.status, headers);
  x.res.end(body);
}

/** Vigil's own answer before there is a session (bad target, refused token): not recorded, audited by the caller. */
function sendVigil(req: IncomingMessage, res: ServerResponse, err: HttpError): void {
  if (res.headersSent) return;
  const body = err.body();
  res.writeHead(err.status, err.responseHeaders(body, !req.complete));
  res.end(body);
}

function asHttpError(err: unknown, log: Logger): HttpError {
  if (err instanceof HttpError) return err;
  log.error('unexpected error', { err });
  return new HttpError(500, 'internal error in the Vigil gateway');
}
