import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprint, PACKET_FORMAT, publicKeyFromPrivate, publicKeyToPem } from '@vigil/recordings';
import { describe, expect, it } from 'vitest';
import { terminalRecording } from '../../recordings/src/evidence/testing/terminal-recording';
import { TEST_PRIVATE_KEY } from '../../recordings/src/testing/recording-builder';
import { buildEvidencePacket, verifyPacketFile } from '../src/evidence';
import { silentLogger } from '../src/logger';
import { openSqliteStore } from '../src/store/sqlite-store';

// A released packet must keep verifying with every later verifier (STYLE.md §16). The vector is made once
// (or with VIGIL_REGENERATE=1) and then only read; a change that breaks it is a packet format change.
const VECTOR = fileURLToPath(new URL('../src/evidence/testing/v1-packet.zip', import.meta.url));
const publicKey = publicKeyFromPrivate(TEST_PRIVATE_KEY);

async function regenerate(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-golden-'));
  const store = openSqliteStore({
    path: join(dir, 'vigil.db'),
    logger: silentLogger,
    now: () => new Date('2025-01-02T04:00:00.000Z'),
  });
  try {
    const recording = join(dir, 'ses_term.vrec');
    writeFileSync(recording, (await terminalRecording()).bytes);
    store.createSession({
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
      sessionId: 'ses_term',
      connection: 'build-host',
      data: { protocol: 'ssh' },
    });
    store.appendAudit({ type: 'auth.failure', actor: 'someone', data: { reason: 'expired token' } });
    store.appendAudit({
      type: 'session.end',
      actor: 'agent-7',
      sessionId: 'ses_term',
      connection: 'build-host',
      data: { status: 'ended' },
    });
    store.endSession('ses_term', {
      endedAt: '2025-01-02T03:04:11.000Z',
      status: 'ended',
      endReason: 'client disconnected',
      finalHash: null,
    });
    await buildEvidencePacket({
      store,
      sessionIds: ['ses_term'],
      signingKey: {
        privateKey: TEST_PRIVATE_KEY,
        publicKey,
        fingerprint: fingerprint(publicKey),
        publicKeyPem: publicKeyToPem(publicKey),
      },
      creator: { principal: 'golden-vector', via: 'cli' },
      toolVersion: '0.1.0',
      out: VECTOR,
    });
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('golden evidence packet (format v1)', () => {
  it('keeps verifying, every check passing, with the key it was signed with', async () => {
    if (process.env.VIGIL_REGENERATE === '1' || !existsSync(VECTOR)) await regenerate();
    const result = await verifyPacketFile(VECTOR, { trustedKey: publicKey });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.manifest?.format).toBe(PACKET_FORMAT);
    expect(result.manifest?.sessions.map((s) => s.id)).toEqual(['ses_term']);
    expect(result.manifest?.files.map((f) => f.path).sort()).toEqual([
      'audit/events.jsonl',
      'public-key.pem',
      'report.html',
      'sessions/ses_term/recording.vrec',
      'sessions/ses_term/session.json',
      'sessions/ses_term/terminal.cast',
      'sessions/ses_term/transcript.txt',
    ]);
  });
});
