/**
 * The HTTP listener with real peers, for integration tests: a real OIDC provider and token verifier, the real
 * session pipeline (SQLite store, zstd recorder, signed .vrec files), the test API as upstream, and `curl` as the
 * agent. Only the policy gate is a small scripted one (scripted-gate.ts).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  byteSourceFromBytes,
  type Frame,
  fingerprint,
  generateSigningKey,
  openRecording,
  verifyRecording,
} from '@vigil/recordings';
import { startTestIdp, type TestIdp } from '../../../../test/support/oidc-provider';
import { createTokenVerifier } from '../../../identity/token-verifier';
import { createLogger, type Logger } from '../../../logger';
import { compileDetectors } from '../../../masking/detectors/index';
import { openRecordedSession, type PipelineDeps } from '../../../pipeline/open-recorded-session';
import type { RecordedSession } from '../../../pipeline/recorded-session.types';
import { SessionHub } from '../../../pipeline/session-events';
import { createSessionRecorder, type SessionRecorder } from '../../../recording/session-recorder';
import { createZstdCompressor } from '../../../recording/zstd-compressor';
import type { Session } from '../../../store/store.types';
import { openTempStore, type TempStore } from '../../../store/temp-store';
import { detectorTextMasker } from '../detector-text-masker';
import { startHttpListener } from '../http-listener';
import type {
  AuthFailureInfo,
  HttpConnection,
  HttpLimits,
  HttpListener,
  SigV4Credentials,
} from '../http-listener.types';
import type { RecordingBackpressure } from '../recorder-backpressure';
import { type EchoApi, startEchoApi } from './echo-api';
import { ScriptedGate } from './scripted-gate';

export const ROLES = { admin: ['vigil-admins'], approver: ['dba'], auditor: ['security'], agent: ['ai-agents'] };

/** Upstream credentials: each carries SECRET so a test can search any output for it. */
export const SECRETS = {
  bearer: 'upstream-bearer-SECRET-1',
  basic: { user: 'svc-user', password: 'basic-SECRET-2' },
  header: { name: 'X-Api-Key', value: 'header-SECRET-3' },
  sigv4: {
    region: 'eu-west-1',
    service: 'execute-api',
    accessKeyId: 'AKIDVIGILTEST',
    secretAccessKey: 'sigv4-SECRET-4/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'session-SECRET-5',
  } satisfies SigV4Credentials,
} as const;

export interface CurlResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  stderr: string;
  json<T = Record<string, unknown>>(): T;
}

export interface HttpHarness {
  idp: TestIdp;
  api: EchoApi;
  /** A second API on its own port: the only connection for its host, for forward-proxy tests. */
  proxyApi: EchoApi;
  listener: HttpListener;
  gate: ScriptedGate;
  temp: TempStore;
  hub: SessionHub;
  publicKey: Uint8Array;
  gatewayUrl: string;
  authFailures: AuthFailureInfo[];
  logs: string[];
  agentToken(): Promise<string>;
  curl(args: string[]): Promise<CurlResult>;
  /** Sessions, newest first, once every one of them has ended (sealing can lag a large body by seconds). */
  endedSessions(timeoutMs?: number): Promise<Session[]>;
  frames(session: Session): Promise<Frame[]>;
  verify(session: Session): Promise<boolean>;
  /**
   * Gives new sessions `whenWritable()` from their recorder's write queue (recorder-backpressure.ts): what the
   * pipeline does not offer yet, wired here to show the connector honours it.
   */
  recorderBackpressure: boolean;
  /** Puts a file where recordings go, so new sessions cannot be recorded (a real failure); `restore()` undoes it. */
  breakRecordings(): { restore(): void };
  stop(): Promise<void>;
}

export async function startHttpHarness(opts: { limits?: Partial<HttpLimits> } = {}): Promise<HttpHarness> {
  const logs: string[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (l) => logs.push(l) });
  const idp = await startTestIdp();
  const verifier = createTokenVerifier({
    issuer: idp.issuer,
    audience: idp.audience,
    groupsClaim: 'groups',
    roles: ROLES,
    logger,
    allowInsecureHttp: true,
  });
  const temp = openTempStore();
  const key = generateSigningKey();
  const hub = new SessionHub();
  const compressor = createZstdCompressor();
  let lastRecorder: SessionRecorder | undefined;
  const pipeline: PipelineDeps = {
    store: temp.store,
    recordingsDir: join(temp.dir, 'recordings'),
    createRecorder: (r) => {
      lastRecorder = createSessionRecorder({
        ...r,
        compressor,
        signingKey: key,
        clock: () => Number(process.hrtime.bigint() / 1000n),
        logger,
      });
      return lastRecorder;
    },
    events: hub,
    logger,
    keyFingerprint: fingerprint(key.publicKey),
  };
  const api = await startEchoApi({ sigv4: SECRETS.sigv4 });
  const proxyApi = await startEchoApi();
  const connections: HttpConnection[] = [
    {
      name: 'api',
      upstream: { url: `${api.url}/v1`, auth: { bearer: SECRETS.bearer } },
      masking: { jsonPaths: ['$.users[*].card', '$..note'] },
    },
    { name: 'basic-api', upstream: { url: api.url, auth: { basic: SECRETS.basic } } },
    { name: 'header-api', upstream: { url: api.url, auth: { header: SECRETS.header } } },
    { name: 'aws', upstream: { url: api.url, auth: { sigv4: SECRETS.sigv4 } } },
    { name: 'proxied', upstream: { url: proxyApi.url, auth: { bearer: SECRETS.bearer } } },
  ];
  const gate = new ScriptedGate();
  const authFailures: AuthFailureInfo[] = [];
  const listener = await startHttpListener({
    host: '127.0.0.1',
    port: 0,
    logger,
    findConnection: (name) => connections.find((c) => c.name === name),
    listConnections: () => connections,
    verifyToken: (token) => verifier.verify(token),
    authFailed: (info) => authFailures.push(info),
    openSession: (input) => {
      const session = openRecordedSession(pipeline, input);
      if (harness.recorderBackpressure && lastRecorder) addWhenWritable(session, lastRecorder);
      return session;
    },
    gateFor: () => gate.forSession(),
    maskText: detectorTextMasker(compileDetectors(['email', 'credit_card', 'aws_access_key']), 'redact'),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const gatewayUrl = `http://127.0.0.1:${listener.address.port}`;

  const endedSessions = async (timeoutMs = 30_000) => {
    for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
      const sessions = temp.store.listSessions({}).sessions;
      if (sessions.every((s) => s.status !== 'live')) return sessions;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('sessions did not end');
  };

  const harness: HttpHarness = {
    recorderBackpressure: false,
    idp,
    api,
    proxyApi,
    listener,
    gate,
    temp,
    hub,
    publicKey: key.publicKey,
    gatewayUrl,
    authFailures,
    logs,
    agentToken: () => idp.tokenFor('agent-1'),
    curl: (args) => runCurl(args, temp.dir),
    endedSessions,
    async frames(session) {
      const recording = await openRecording(byteSourceFromBytes(readFileSync(session.recording)));
      return recording.readFrames(0, recording.frameCount);
    },
    async verify(session) {
      const result = await verifyRecording(byteSourceFromBytes(readFileSync(session.recording)), {
        publicKey: key.publicKey,
      });
      return result.checks.every((c) => c.ok);
    },
    breakRecordings() {
      const dir = pipeline.recordingsDir;
      mkdirSync(dir, { recursive: true });
      renameSync(dir, `${dir}.away`);
      writeFileSync(dir, 'not a directory');
      return {
        restore() {
          rmSync(dir);
          renameSync(`${dir}.away`, dir);
        },
      };
    },
    async stop() {
      await listener.close();
      await api.close();
      await proxyApi.close();
      await idp.close();
      temp.remove();
    },
  };
  return harness;
}

/** Recorder write queue above HIGH: wait until it is below LOW. */
const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = 2 * 1024 * 1024;

function addWhenWritable(session: RecordedSession, recorder: SessionRecorder): void {
  const signal: RecordingBackpressure = {
    whenWritable() {
      if (recorder.pendingWriteBytes < HIGH_WATER) return undefined;
      return new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (recorder.pendingWriteBytes >= LOW_WATER && !recorder.failed) return;
          clearInterval(timer);
          resolve();
        }, 2);
      });
    },
  };
  Object.assign(session, signal);
}

/** Runs curl (asynchronously: the gateway runs in this process) and reads status, headers and body. */
export function runCurl(args: string[], dir: string): Promise<CurlResult> {
  const work = mkdtempSync(join(dir, 'curl-'));
  const headerFile = join(work, 'headers');
  const bodyFile = join(work, 'body');
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      ['-sS', '-D', headerFile, '-o', bodyFile, '-w', '%{http_code}', ...args],
      { maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && !stdout) return reject(new Error(`curl failed: ${stderr || err.message}`));
        const headers: Record<string, string> = {};
        let raw = '';
        let body = Buffer.alloc(0);
        try {
          raw = readFileSync(headerFile, 'latin1');
          body = readFileSync(bodyFile);
        } catch {
          // no response at all (e.g. the connection was closed): status 000 says so
        }
        // The last header block is the final response (after any 100 Continue).
        const blocks = raw.split(/\r\n\r\n/).filter((b) => b.startsWith('HTTP/'));
        for (const line of (blocks[blocks.length - 1] ?? '').split('\r\n').slice(1)) {
          const i = line.indexOf(':');
          if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        rmSync(work, { recursive: true, force: true });
        resolve({
          status: Number(stdout.trim().slice(-3)),
          headers,
          body,
          stderr,
          json: <T>() => JSON.parse(body.toString('utf8')) as T,
        });
      },
    );
  });
}
