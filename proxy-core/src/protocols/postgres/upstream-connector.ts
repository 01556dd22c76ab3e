import { connect as netConnect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import {
  AuthCode,
  BackendCode,
  createScramClient,
  MessageFramer,
  md5Password,
  parseAuthentication,
  parseBackendKeyData,
  parseErrorFields,
  parseParameterStatus,
  parseReadyForQuery,
  SSL_REQUEST,
  serializePasswordMessage,
  serializeSaslInitialResponse,
  serializeSaslResponse,
  serializeStartup,
} from './codec';
import { unsafeSetting } from './unsafe-setting';

export interface UpstreamTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string | undefined;
  tls: 'disable' | 'prefer' | 'require' | 'verify-full';
  ca?: string | undefined;
  connectTimeoutMs: number;
  maxMessageSize: number;
  /** Connections kept between sessions (see upstream-pool.ts); none when absent or maxIdle is 0. */
  pool?: { maxIdle: number; idleTimeoutMs: number } | undefined;
}

/** An authenticated upstream connection, ready for queries. */
export interface UpstreamConnection {
  socket: Socket | TLSSocket;
  /** Bytes that followed the first ReadyForQuery (none in practice): relay them first. */
  framer: MessageFramer;
  parameters: Array<[string, string]>;
  backendKey: { pid: number; secret: number } | undefined;
  status: number;
  tls: boolean;
  /** Sessions this connection served before (kept between sessions by the upstream pool). */
  sessionsServed: number;
}

/** Why the upstream could not be reached or refused us; `kind` picks the SQLSTATE for the client. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'tls' | 'credential' | 'refused' | 'protocol',
  ) {
    super(message);
  }
}

/**
 * Dials the upstream as its client: optional TLS (SSLRequest first), StartupMessage with the stored
 * user and database, then whatever authentication it asks for (SCRAM-SHA-256, md5, cleartext, trust)
 * with the stored credential, until the first ReadyForQuery.
 * @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
 */
export async function connectUpstream(
  target: UpstreamTarget,
  clientParams: Record<string, string>,
): Promise<UpstreamConnection> {
  let socket: Socket | TLSSocket = await dial(target);
  let tls = false;
  try {
    if (target.tls !== 'disable') {
      const upgraded = await negotiateTls(socket, target);
      if (upgraded) {
        socket = upgraded;
        tls = true;
      }
    }
    return await startup(socket, target, clientParams, tls);
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

function dial(target: UpstreamTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new UpstreamError(
          `upstream ${target.host}:${target.port} did not answer within ${target.connectTimeoutMs} ms`,
          'unreachable',
        ),
      );
    }, target.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new UpstreamError(`upstream ${target.host}:${target.port} unreachable: ${err.message}`, 'unreachable'));
    });
  });
}

async function negotiateTls(socket: Socket, target: UpstreamTarget): Promise<TLSSocket | undefined> {
  socket.write(SSL_REQUEST);
  const answer = await readExactly(socket, 1);
  if (answer[0] === 0x4e /* N */) {
    if (target.tls === 'prefer') return undefined;
    throw new UpstreamError(`upstream ${target.host}:${target.port} does not offer TLS (tls: ${target.tls})`, 'tls');
  }
  if (answer[0] !== 0x53 /* S */) throw new UpstreamError('upstream sent an invalid answer to SSLRequest', 'protocol');
  const verify = target.tls === 'verify-full';
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({
      socket,
      servername: /^[\d.]+$|:/.test(target.host) ? undefined : target.host,
      rejectUnauthorized: verify,
      ca: target.ca,
    });
    secure.once('secureConnect', () => {
      secure.removeAllListeners('error');
      resolve(secure);
    });
    secure.once('error', (err) => reject(new UpstreamError(`TLS to upstream failed: ${err.message}`, 'tls')));
  });
}

/** Reads exactly n bytes that arrive before anything else is expected (the SSLRequest answer). */
function readExactly(socket: Socket, n: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.pause();
      if (chunk.length > n) {
        // CVE-2021-23222: a server must not send anything after 'S'/'N' before the handshake.
        reject(new UpstreamError('upstream sent unexpected bytes after its SSLRequest answer', 'protocol'));
        return;
      }
      resolve(chunk.subarray(0, n));
    };
    const onError = (err: Error) =>
      reject(new UpstreamError(`upstream connection failed: ${err.message}`, 'unreachable'));
    socket.on('data', onData);
    socket.once('error', onError);
  });
}

/** Params the client sent that the gateway passes on (its own, user and database, come from config). */
const PASSED_PARAMS = new Set([
  'application_name',
  'DateStyle',
  'TimeZone',
  'extra_float_digits',
  'search_path',
  'options',
  'IntervalStyle',
  'datestyle',
  'timezone',
]);

/**
 * The StartupMessage parameters the upstream gets: the target's user and database, and what the client may
 * pass, from `clientParams` as `checkStartupParams` gave them (`options` rebuilt from checked settings).
 */
export function startupParams(target: UpstreamTarget, clientParams: Record<string, string>): Record<string, string> {
  // Policy, masking and the recording read SQL and results as UTF-8, so the upstream always speaks it.
  const params: Record<string, string> = { user: target.user, database: target.database, client_encoding: 'UTF8' };
  for (const [k, v] of Object.entries(clientParams)) if (PASSED_PARAMS.has(k)) params[k] = v;
  return params;
}

function startup(
  socket: Socket | TLSSocket,
  target: UpstreamTarget,
  clientParams: Record<string, string>,
  tls: boolean,
): Promise<UpstreamConnection> {
  const params = startupParams(target, clientParams);
  const framer = new MessageFramer({ startup: false, maxMessageSize: target.maxMessageSize });
  const parameters: Array<[string, string]> = [];
  let backendKey: { pid: number; secret: number } | undefined;
  let scram: ReturnType<typeof createScramClient> | undefined;

  return new Promise((resolve, reject) => {
    const fail = (err: UpstreamError) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onError = (err: Error) =>
      fail(new UpstreamError(`upstream connection failed: ${err.message}`, 'unreachable'));
    const onClose = () => fail(new UpstreamError('upstream closed the connection during startup', 'refused'));
    const needPassword = (): string => {
      if (target.password === undefined)
        throw new UpstreamError(
          'upstream asks for a password but none is configured for this connection',
          'credential',
        );
      return target.password;
    };
    const onData = (chunk: Buffer) => {
      try {
        framer.push(chunk);
        for (let frame = framer.next(); frame; frame = framer.next()) {
          switch (frame.code) {
            case BackendCode.Authentication: {
              const auth = parseAuthentication(frame.payload);
              switch (auth.code) {
                case AuthCode.Ok:
                  break;
                case AuthCode.CleartextPassword:
                  socket.write(serializePasswordMessage(needPassword()));
                  break;
                case AuthCode.MD5Password:
                  socket.write(serializePasswordMessage(md5Password(target.user, needPassword(), auth.salt)));
                  break;
                case AuthCode.SASL: {
                  scram = createScramClient({ password: needPassword() });
                  const first = scram.initialResponse(auth.mechanisms);
                  socket.write(serializeSaslInitialResponse(first.mechanism, first.data));
                  break;
                }
                case AuthCode.SASLContinue:
                  if (!scram) throw new UpstreamError('upstream sent SASLContinue without SASL', 'protocol');
                  socket.write(serializeSaslResponse(scram.continue(auth.data)));
                  break;
                case AuthCode.SASLFinal:
                  if (!scram) throw new UpstreamError('upstream sent SASLFinal without SASL', 'protocol');
                  scram.finish(auth.data);
                  break;
                default:
                  throw new UpstreamError(
                    `upstream asks for an unsupported authentication method (${auth.code})`,
                    'credential',
                  );
              }
              break;
            }
            case BackendCode.ParameterStatus: {
              const unsafe = unsafeSetting(frame.payload);
              if (unsafe)
                throw new UpstreamError(
                  `upstream starts with ${unsafe} set so that Vigil cannot police its SQL`,
                  'refused',
                );
              const p = parseParameterStatus(frame.payload);
              parameters.push([p.name, p.value]);
              break;
            }
            case BackendCode.BackendKeyData:
              backendKey = parseBackendKeyData(frame.payload);
              break;
            case BackendCode.NoticeResponse:
              break;
            case BackendCode.ErrorResponse: {
              const fields = parseErrorFields(frame.payload);
              const code = fields.C ?? '';
              const kind = code === '28P01' || code === '28000' ? 'credential' : 'refused';
              throw new UpstreamError(`upstream refused the session: ${fields.M ?? 'error'} (SQLSTATE ${code})`, kind);
            }
            case BackendCode.ReadyForQuery: {
              cleanup();
              socket.pause();
              resolve({
                socket,
                framer,
                parameters,
                backendKey,
                status: parseReadyForQuery(frame.payload),
                tls,
                sessionsServed: 0,
              });
              return;
            }
            default:
              throw new UpstreamError(
                `unexpected message ${String.fromCharCode(frame.code)} from upstream during startup`,
                'protocol',
              );
          }
        }
      } catch (err) {
        fail(err instanceof UpstreamError ? err : new UpstreamError((err as Error).message, 'protocol'));
      }
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.resume();
    socket.write(serializeStartup(params));
  });
}
