/**
 * Real peers for the SSH gateway tests: Debian's OpenSSH server as the upstream (its own config, host key and
 * authorized key, on a free port), the gateway's SSH listener wired to a real OIDC provider, a real SQLite store,
 * the real recorder and pipeline, and the OpenSSH `ssh` / `sftp` clients as agents.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Frame, openRecording } from '@vigil/recordings';
import { createTokenVerifier } from '../../src/identity/token-verifier';
import { createLogger, type Logger } from '../../src/logger';
import { compileDetectors } from '../../src/masking/detectors';
import type { CommandGate, ReviewOutcome, Verdict } from '../../src/pipeline/command-gate.types';
import { openRecordedSession, type RecorderFactory } from '../../src/pipeline/open-recorded-session';
import type { RecordedSession } from '../../src/pipeline/recorded-session.types';
import { SessionHub } from '../../src/pipeline/session-events';
import { detectorOutputMask } from '../../src/protocols/ssh/detector-output-mask';
import { HOST_KEY_FILE, loadOrCreateHostKey } from '../../src/protocols/ssh/host-keys';
import type { SshAuthFailure, SshConnection } from '../../src/protocols/ssh/ssh.types';
import { type SshListener, startSshListener } from '../../src/protocols/ssh/ssh-listener';
import { openFileByteSource } from '../../src/recording/file-byte-source';
import { createSessionRecorder } from '../../src/recording/session-recorder';
import { loadOrCreateSigningKey } from '../../src/recording/signing-key';
import { createZstdCompressor, createZstdDecompressor } from '../../src/recording/zstd-compressor';
import { parseShellCommand } from '../../src/shell/shell-command';
import type { Session } from '../../src/store/store.types';
import { openTempStore, type TempStore } from '../../src/store/temp-store';
import { type ClientResult, runClient } from './client-process';
import { startTestIdp, type TestIdp } from './oidc-provider';
import { keygen, startSshd, type TestSshd } from './openssh-server';
import { freePort } from './pg-cluster';

export { startSshd, type TestSshd };

/** A pending review the test decides. */
export interface TestReview {
  id: string;
  text: string;
  decide(approved: boolean, reason?: string): void;
}

/**
 * A small real CommandGate for the tests (no policy engine): programs found by parseShellCommand in `deny` are
 * denied, in `review` held until the test decides; unparsed lines are denied (fail closed); step mode holds all.
 */
export class ProgramGate implements CommandGate {
  readonly checked: Array<{ text: string; via: string; outcome: string }> = [];

  constructor(
    private readonly rules: { deny: Set<string>; review: Set<string>; reviews: TestReview[] },
    private readonly session: RecordedSession,
  ) {}

  check(command: { text: string; via: string; frame: number }): Verdict {
    const verdict = this.decide(command.text);
    this.checked.push({ text: command.text, via: command.via, outcome: verdict.outcome });
    return verdict;
  }

  private decide(text: string): Verdict {
    const parsed = parseShellCommand(text);
    const programs = parsed.programs.map((p) => p.program);
    if (parsed.unparsed) return { outcome: 'deny', rule: 'test#unparsed', message: `Vigil policy: ${parsed.reason}` };
    const denied = programs.find((p) => this.rules.deny.has(p));
    if (denied)
      return {
        outcome: 'deny',
        rule: 'test#deny',
        message: `Vigil policy: program ${denied} is not allowed (rule test#deny)`,
      };
    if (!this.session.stepMode && !programs.some((p) => this.rules.review.has(p)))
      return { outcome: 'allow', rule: 'test#allow' };
    const id = `req-${this.rules.reviews.length + 1}`;
    let resolve: (o: ReviewOutcome) => void = () => {};
    const decided = new Promise<ReviewOutcome>((r) => {
      resolve = r;
    });
    this.rules.reviews.push({
      id,
      text,
      decide: (approved, reason = '') =>
        resolve(
          approved
            ? { approved, approver: 'alice', reason }
            : { approved, approver: 'alice', reason, status: 'denied' },
        ),
    });
    this.withdrawals.set(id, () => resolve({ approved: false, approver: null, reason: '', status: 'cancelled' }));
    return {
      outcome: 'review',
      rule: 'test#review',
      requestId: id,
      notice: `request ${id} waits for an approver`,
      decided,
    };
  }

  /** Requests the agent withdrew (Ctrl-C while held). */
  readonly withdrawn: string[] = [];
  private readonly withdrawals = new Map<string, () => void>();

  withdraw(requestId: string): void {
    this.withdrawn.push(requestId);
    this.withdrawals.get(requestId)?.();
  }

  close(): void {}
}

export interface SshHarness {
  sshd: TestSshd;
  idp: TestIdp;
  listener: SshListener;
  temp: TempStore;
  hub: SessionHub;
  port: number;
  dir: string;
  /** known_hosts line for the gateway. */
  knownHosts: string;
  /** Private key registered to principal `agent-key-1`. */
  agentKeyFile: string;
  authFailures: SshAuthFailure[];
  sessions: RecordedSession[];
  deny: Set<string>;
  review: Set<string>;
  reviews: TestReview[];
  logs: string[];
  /** Runs OpenSSH `ssh` against the gateway. */
  ssh(args: string[], opts?: SshRunOptions): Promise<SshResult>;
  /** Common OpenSSH options (known hosts, no user config) plus the agent's credential. */
  clientOptions(opts?: { token?: string; key?: boolean }): { args: string[]; env: NodeJS.ProcessEnv };
  token(clientId?: string): Promise<string>;
  /** The ended session's store row and its recording's frames. */
  recording(session: RecordedSession): Promise<{ row: Session; frames: Frame[] }>;
  stop(): Promise<void>;
}

export interface SshRunOptions {
  token?: string;
  key?: boolean;
  input?: string;
  program?: 'ssh' | 'sftp';
}

export type SshResult = ClientResult;

/** The gateway's SSH listener in-process, against a real sshd, IdP, store, recorder and pipeline. */
export async function startSshHarness(): Promise<SshHarness> {
  const sshd = await startSshd();
  const idp = await startTestIdp();
  const temp = openTempStore();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ssh-gw-'));
  const keysDir = join(dir, 'keys');
  const logs: string[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (l) => logs.push(l) });
  const signingKey = loadOrCreateSigningKey(keysDir);
  const compressor = createZstdCompressor();
  const createRecorder: RecorderFactory = (r) =>
    createSessionRecorder({
      path: r.path,
      header: r.header as Parameters<typeof createSessionRecorder>[0]['header'],
      compressor,
      signingKey,
      clock: () => Number(process.hrtime.bigint() / 1000n),
      logger,
      onChunk: r.onChunk,
      onError: r.onError,
    });
  const hub = new SessionHub();
  const pipeline = {
    store: temp.store,
    recordingsDir: join(dir, 'recordings'),
    createRecorder,
    events: hub,
    logger,
    keyFingerprint: signingKey.fingerprint,
  };
  const verifier = createTokenVerifier({
    issuer: idp.issuer,
    audience: idp.audience,
    groupsClaim: 'groups',
    roles: { admin: ['vigil-admins'], agent: ['ai-agents'], approver: ['dba'], auditor: ['security'] },
    logger,
    allowInsecureHttp: true,
  });
  const agentKeyPub = keygen(join(dir, 'agent_key'), 'agent-key-1');
  const otherKey = keygen(join(dir, 'other_host_key'), 'not-the-target');
  const deadPort = await freePort();
  const upstream = {
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKeyFile: sshd.clientKeyFile,
    hostKey: sshd.hostKey,
  };
  const connections: Record<string, SshConnection> = {
    target: { name: 'target', upstream, policy: 'test' },
    'target-moved': {
      name: 'target-moved',
      upstream: { ...upstream, hostKey: otherKey.split(' ').slice(0, 2).join(' ') },
      policy: 'test',
    },
    'target-down': {
      name: 'target-down',
      upstream: { ...upstream, port: deadPort, connectTimeoutMs: 2000 },
      policy: 'test',
    },
    unrecordable: { name: 'unrecordable', upstream, policy: 'test' },
  };
  const authFailures: SshAuthFailure[] = [];
  const sessions: RecordedSession[] = [];
  const rules = { deny: new Set<string>(), review: new Set<string>(), reviews: [] as TestReview[] };
  const listener = await startSshListener({
    host: '127.0.0.1',
    port: 0,
    hostKeys: [loadOrCreateHostKey(keysDir)],
    logger,
    findConnection: (name) => connections[name],
    verifyToken: (token) => verifier.verify(token),
    authorizedKeys: [{ principal: { sub: 'agent-key-1', roles: ['agent'], groups: ['ai-agents'] }, key: agentKeyPub }],
    authFailed: (info) => authFailures.push(info),
    audit: (event) => temp.store.appendAudit(event),
    openSession: (input) => {
      if (input.connection === 'unrecordable') throw new Error('disk full (simulated by the test harness)');
      const s = openRecordedSession(pipeline, input);
      sessions.push(s);
      return s;
    },
    gateFor: (session) => new ProgramGate(rules, session),
    maskOutput: () => detectorOutputMask(compileDetectors(['aws_access_key', 'email']), 'redact'),
  });
  const port = listener.address.port;
  const gatewayPub = readFileSync(join(keysDir, `${HOST_KEY_FILE}.pub`), 'utf8').trim();
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${gatewayPub}\n`);
  const tokenFile = join(dir, 'token');
  const askpass = join(dir, 'askpass.sh');
  writeFileSync(askpass, `#!/bin/sh\ncat '${tokenFile}'\n`, { mode: 0o755 });

  const clientOptions = (o: { token?: string; key?: boolean } = {}) => {
    const args = [
      '-F',
      '/dev/null',
      '-o',
      `UserKnownHostsFile=${knownHostsFile}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'LogLevel=ERROR',
    ];
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' };
    if (o.key)
      args.push('-i', join(dir, 'agent_key'), '-o', 'IdentitiesOnly=yes', '-o', 'PreferredAuthentications=publickey');
    else {
      writeFileSync(tokenFile, o.token ?? '', { mode: 0o600 });
      args.push(
        '-o',
        'PreferredAuthentications=password',
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'NumberOfPasswordPrompts=1',
      );
      Object.assign(env, { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force' });
    }
    return { args, env };
  };

  return {
    sshd,
    idp,
    listener,
    temp,
    hub,
    port,
    dir,
    knownHosts: knownHostsFile,
    agentKeyFile: join(dir, 'agent_key'),
    authFailures,
    sessions,
    deny: rules.deny,
    review: rules.review,
    reviews: rules.reviews,
    logs,
    clientOptions,
    token: (clientId = 'agent-1') => idp.tokenFor(clientId),
    async ssh(args, o = {}) {
      const token = o.key ? undefined : (o.token ?? (await idp.tokenFor('agent-1')));
      const { args: base, env } = clientOptions({ key: o.key ?? false, ...(token !== undefined ? { token } : {}) });
      const portArg = o.program === 'sftp' ? ['-P', String(port)] : ['-p', String(port)];
      return runClient(o.program ?? 'ssh', [...base, ...portArg, ...args], env, o.input);
    },
    async recording(session) {
      const row = await eventually(() => {
        const r = temp.store.getSession(session.id);
        return r && r.status !== 'live' ? r : undefined;
      });
      const source = await openFileByteSource(row.recording);
      try {
        const rec = await openRecording(source, { decompressor: createZstdDecompressor() });
        return { row, frames: await rec.readFrames(0, rec.frameCount) };
      } finally {
        await source.close();
      }
    },
    async stop() {
      await listener.close();
      await idp.close();
      await sshd.stop();
      temp.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Annotations of a recording, as their JSON values. */
export function annotations(frames: Frame[]): Array<{ type: string } & Record<string, unknown>> {
  return frames.flatMap((f) =>
    f.kind === 'annotation' ? [f.value as { type: string } & Record<string, unknown>] : [],
  );
}

/** What the agent received (server direction) on `channel`, as text. */
export function received(frames: Frame[], channel: number): string {
  return Buffer.concat(
    frames.flatMap((f) =>
      f.kind === 'bytes' && f.direction === 'server' && f.channel === channel ? [Buffer.from(f.data)] : [],
    ),
  ).toString();
}

export async function eventually<T>(fn: () => T | undefined | false, timeoutMs = 8000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
