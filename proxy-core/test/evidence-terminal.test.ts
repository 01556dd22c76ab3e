import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, publicKeyFromPrivate, publicKeyToPem } from '@vigil/recordings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERMINAL_OUTPUT, terminalRecording } from '../../recordings/src/evidence/testing/terminal-recording';
import { TEST_PRIVATE_KEY } from '../../recordings/src/testing/recording-builder';
import type { CliIo } from '../src/cli/cli-io';
import { exportCommand } from '../src/cli/export-command';
import { main } from '../src/cli/main';
import { buildEvidencePacket, verifyPacketFile } from '../src/evidence';
import { readPacket } from '../src/evidence/testing/packet-fixtures';
import { silentLogger } from '../src/logger';
import { PRIVATE_KEY_FILE } from '../src/recording/signing-key';
import { openSqliteStore } from '../src/store/sqlite-store';
import type { Store } from '../src/store/store.types';

// No sshd protocol handler is wired into the gateway yet, so the SSH session is a synthetic terminal
// recording (sealed with the fixed test key) registered in a real store.
const publicKey = publicKeyFromPrivate(TEST_PRIVATE_KEY);
const signingKey = {
  privateKey: TEST_PRIVATE_KEY,
  publicKey,
  fingerprint: fingerprint(publicKey),
  publicKeyPem: publicKeyToPem(publicKey),
};

let dir: string;
let store: Store;
let packet: string;

beforeAll(async () => {
  // A data dir as the gateway lays it out (vigil.db, keys/), so the CLI can export from it too.
  dir = mkdtempSync(join(tmpdir(), 'vigil-terminal-'));
  mkdirSync(join(dir, 'keys'));
  writeFileSync(join(dir, 'keys', PRIVATE_KEY_FILE), privatePem(TEST_PRIVATE_KEY), { mode: 0o600 });
  store = openSqliteStore({ path: join(dir, 'vigil.db'), logger: silentLogger });
  const { bytes } = await terminalRecording();
  const recording = join(dir, 'ses_term.vrec');
  writeFileSync(recording, bytes);
  const s = store.createSession({
    id: 'ses_term',
    protocol: 'ssh',
    connection: 'build-host',
    principal: 'agent-7',
    groups: ['ai-agents'],
    clientAddr: '127.0.0.1:50022',
    upstream: '10.0.0.7:22',
    startedAt: '2025-01-02T03:04:05.000Z',
    recording,
  });
  store.appendAudit({
    type: 'session.start',
    actor: 'agent-7',
    sessionId: s.id,
    connection: 'build-host',
    data: { protocol: 'ssh' },
  });
  store.appendAudit({ type: 'auth.failure', actor: 'someone', data: { reason: 'expired token' } });
  store.appendAudit({
    type: 'session.end',
    actor: 'agent-7',
    sessionId: s.id,
    connection: 'build-host',
    data: { status: 'ended' },
  });
  store.endSession(s.id, {
    endedAt: '2025-01-02T03:04:11.000Z',
    status: 'ended',
    endReason: 'client disconnected',
    finalHash: null,
  });
  packet = join(dir, 'terminal.zip');
  await buildEvidencePacket({
    store,
    sessionIds: ['ses_term'],
    signingKey,
    creator: { principal: 'bob', via: 'cli' },
    toolVersion: 'test',
    out: packet,
  });
});

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('evidence packet of a terminal (SSH) session', () => {
  it('has terminal.cast instead of a capture, and verifies', async () => {
    const entries = await readPacket(packet);
    expect(entries.has('sessions/ses_term/terminal.cast')).toBe(true);
    expect(entries.has('sessions/ses_term/capture.pcapng')).toBe(false);
    const result = await verifyPacketFile(packet, { trustedKey: publicKey });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    // The auth failure in the middle belongs to no session: omitted, and the chain still checks.
    expect(result.manifest?.audit.omitted).toEqual([{ fromSeq: 2, toSeq: 2 }]);
  });

  it('terminal.cast is asciicast v2 that asciinema plays back to the same output', async () => {
    const entries = await readPacket(packet);
    const cast = join(dir, 'terminal.cast');
    writeFileSync(cast, entries.get('sessions/ses_term/terminal.cast') as Uint8Array);
    const header = JSON.parse(readFileSync(cast, 'utf8').split('\n')[0] as string);
    expect(header).toMatchObject({ version: 2, width: 100, height: 30 });
    // `asciinema cat` puts /dev/tty in raw mode, so it runs under script(1) for a terminal; its output goes to a file.
    const shown = join(dir, 'shown.txt');
    execFileSync('script', ['-qec', `asciinema cat '${cast}' > '${shown}'`, '/dev/null'], {
      env: { ...process.env, HOME: dir },
    });
    expect(readFileSync(shown, 'utf8')).toBe(TERMINAL_OUTPUT);
  });

  it('transcript.txt shows the output as text, with markers for the command and the approval', async () => {
    const transcript = new TextDecoder().decode((await readPacket(packet)).get('sessions/ses_term/transcript.txt'));
    expect(transcript).toContain('←  Welcome to build-host\\r\\n$ ');
    expect(transcript).toContain('→  rm -rf /\\r');
    expect(transcript).toContain('←  [channel 1] rm: refused by Vigil policy\\r\\n');
    expect(transcript).toContain('●  APPROVAL REFUSED apr_1 by alice: no');
    expect(transcript).toContain('⇵  terminal 120x40');
  });

  it('`vigil export` writes the packet from a data dir and `vigil verify --key` passes it', async () => {
    const io = capture(dir);
    expect(await exportCommand(['ses_term', '-o', 'cli.zip', '--data-dir', dir, '--creator', 'carol'], io)).toBe(0);
    expect(io.stdout).toMatch(
      /^wrote cli.zip \(\d+ bytes\): evidence packet pkt_\w+\n {2}session ses_term {2}ssh {2}agent-7 → build-host/,
    );
    writeFileSync(join(dir, 'key.pem'), signingKey.publicKeyPem);
    const verify = capture(dir);
    expect(await main(['verify', 'cli.zip', '--key', 'key.pem'], verify)).toBe(0);
    expect(verify.stdout).toMatch(/ok {3}public key: Ed25519 SHA256:\S+ \(pinned: the trusted key\)/);
    const missing = capture(dir);
    expect(await exportCommand(['nope', '-o', 'x.zip', '--data-dir', dir], missing)).toBe(1);
    expect(missing.stderr).toBe('vigil export: no session nope\n');
  });
});

function privatePem(seed: Uint8Array): string {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed)]);
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`;
}

function capture(cwd: string): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => {
      io.stdout += t;
    },
    err: (t: string) => {
      io.stderr += t;
    },
    env: {},
    cwd,
  };
  return io;
}
