import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EvidenceManifest, generateSigningKey, type PacketVerification } from '@vigil/recordings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/cli-io';
import { main } from '../src/cli/main';
import { buildEvidencePacket, verifyPacketFile } from '../src/evidence';
import {
  flipByte,
  type PacketEntries,
  readPacket,
  rechunk,
  resign,
  writePacket,
} from '../src/evidence/testing/packet-fixtures';
import { eventually, type Harness, startHarness } from './support/gateway-harness';

let h: Harness;
let dir: string;
let packet: string;
let sessionId: string;
let manifest: EvidenceManifest;
let n = 0;

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'vigil-tamper-'));
  const client = await h.client();
  // Pauses longer than the recorder's 250 ms flush give the recording several chunks to reorder and drop.
  for (const sql of [
    'select 1',
    'select pg_sleep(0.3)',
    'select 2',
    'select pg_sleep(0.3)',
    'select 3',
    'select pg_sleep(0.3)',
    'select 4',
  ]) {
    await client.query(sql);
  }
  await client.end();
  sessionId = await eventually(() => h.gateway.store.listSessions({ status: 'ended' }).sessions[0]?.id);
  packet = join(dir, 'packet.zip');
  ({ manifest } = await buildEvidencePacket({
    store: h.gateway.store,
    sessionIds: [sessionId],
    signingKey: h.gateway.signingKey,
    creator: { principal: 'bob', via: 'cli' },
    toolVersion: 'test',
    out: packet,
  }));
  expect(manifest.sessions[0]?.seal.chunks).toBeGreaterThanOrEqual(3);
});

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const gatewayKey = () => ({ privateKey: h.gateway.signingKey.privateKey, publicKey: h.gateway.signingKey.publicKey });
const recordingPath = () => `sessions/${sessionId}/recording.vrec`;

/** Applies `change` to a copy of the packet and verifies the result (pinned to the gateway key unless told). */
async function tampered(
  change: (e: PacketEntries) => void | Promise<void>,
  opts: { pin?: boolean } = {},
): Promise<PacketVerification> {
  const entries = await readPacket(packet);
  await change(entries);
  const path = join(dir, `tampered-${n++}.zip`);
  await writePacket(path, entries);
  const result = await verifyPacketFile(path, opts.pin === false ? {} : { trustedKey: h.gateway.signingKey.publicKey });
  expect(result.ok).toBe(false);
  return result;
}

const failures = (r: PacketVerification) => r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);

function edit(entries: PacketEntries, path: string, fn: (bytes: Uint8Array) => Uint8Array): void {
  const bytes = entries.get(path);
  if (!bytes) throw new Error(`no ${path}`);
  entries.set(path, fn(bytes));
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('a packet that nobody touched', () => {
  it('verifies, and `vigil verify` says INTACT and exits 0', async () => {
    expect((await verifyPacketFile(packet, { trustedKey: h.gateway.signingKey.publicKey })).ok).toBe(true);
    const io = capture();
    expect(await main(['verify', packet, '--data-dir', h.dataDir], io)).toBe(0);
    expect(io.stdout).toMatch(/ok {3}signature: manifest.json signed by SHA256:/);
    expect(io.stdout).toMatch(/INTACT\n$/);
  });
});

describe('every change is caught, with a message that says what', () => {
  it.each([
    ['recording.vrec', 'recording'],
    ['session.json', 'session'],
    ['transcript.txt', 'transcript'],
    ['capture.pcapng', 'capture'],
  ])('a flipped byte in %s', async (file) => {
    const path = `sessions/${sessionId}/${file}`;
    const r = await tampered((e) => edit(e, path, (b) => flipByte(b, Math.floor(b.length / 2))));
    expect(failures(r)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^file ${path}: SHA-256 [0-9a-f]{64} ≠ manifest [0-9a-f]{64}: content changed$`),
      ),
    );
    if (file === 'recording.vrec')
      expect(failures(r)).toContainEqual(
        expect.stringMatching(new RegExp(`^recording ${sessionId} (chunk \\d+|tail|header|seal)`)),
      );
  });

  it('a flipped byte in audit/events.jsonl', async () => {
    const r = await tampered((e) =>
      edit(e, 'audit/events.jsonl', (b) => bytes(text(b).replace('"type":"session.start"', '"type":"session.stars"'))),
    );
    expect(failures(r)).toContainEqual(expect.stringMatching(/^file audit\/events.jsonl: SHA-256 .* content changed$/));
    expect(failures(r)).toContainEqual(
      expect.stringMatching(/^audit chain: line 1 \(seq \d+\): hash mismatch .*: the event was altered$/),
    );
  });

  it('a flipped byte in report.html', async () => {
    const r = await tampered((e) => edit(e, 'report.html', (b) => flipByte(b, 100)));
    expect(failures(r)).toEqual([expect.stringMatching(/^file report.html: SHA-256 .* content changed$/)]);
  });

  it('a flipped byte in manifest.json', async () => {
    const r = await tampered((e) =>
      edit(e, 'manifest.json', (b) => bytes(text(b).replace(manifest.packetId, `${manifest.packetId.slice(0, -1)}X`))),
    );
    expect(failures(r)).toEqual([
      expect.stringMatching(
        /^signature: manifest.sig does not verify with SHA256:.*: manifest.json was changed, or signed with another key$/,
      ),
    ]);
  });

  it('a flipped byte in manifest.sig', async () => {
    const r = await tampered((e) => edit(e, 'manifest.sig', (b) => flipByte(b, 10)));
    expect(failures(r)).toEqual([expect.stringMatching(/^signature: manifest.sig does not verify/)]);
  });

  it('a flipped byte in public-key.pem', async () => {
    const r = await tampered((e) =>
      edit(e, 'public-key.pem', (b) => {
        // One base64 character of the key itself (the line's first 16 characters are the DER prefix).
        const at = text(b).indexOf('\n') + 1 + 30;
        return flipByte(b, at);
      }),
    );
    expect(failures(r)).toContainEqual(expect.stringMatching(/^public key: /));
    expect(failures(r)).toContainEqual(expect.stringMatching(/^file public-key.pem: SHA-256 .* content changed$/));
  });

  it('a removed file', async () => {
    const path = `sessions/${sessionId}/transcript.txt`;
    const r = await tampered((e) => void e.delete(path));
    expect(failures(r)).toEqual([`file ${path}: missing from the packet (listed in the manifest)`]);
  });

  it('an added file', async () => {
    const r = await tampered((e) => void e.set(`sessions/${sessionId}/notes.txt`, bytes('nothing to see')));
    expect(failures(r)).toEqual([`extra files: not in the manifest: sessions/${sessionId}/notes.txt`]);
  });

  it('reordered chunks in the recording, even with the manifest re-signed by the gateway key', async () => {
    const r = await tampered(async (e) => {
      e.set(recordingPath(), await rechunk(e.get(recordingPath()) as Uint8Array, [0, 2, 1, ...tail(3)]));
      resign(e, gatewayKey());
    });
    expect(failures(r)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^recording ${sessionId} chunk 1: chunk 1 at offset \\d+: .*sequence number 2, expected 1 \\(chunks reordered, dropped or duplicated\\)`,
        ),
      ),
    );
    expect(failures(r)).toContainEqual(
      expect.stringMatching(new RegExp(`^recording ${sessionId}: .*failed verification`)),
    );
  });

  it('a dropped chunk in the recording', async () => {
    const r = await tampered(async (e) => {
      e.set(recordingPath(), await rechunk(e.get(recordingPath()) as Uint8Array, [0, ...tail(2)]));
      resign(e, gatewayKey());
    });
    expect(failures(r)).toContainEqual(
      expect.stringMatching(new RegExp(`^recording ${sessionId} chunk 1: .*sequence number 2, expected 1`)),
    );
    expect(failures(r)).toContainEqual(
      expect.stringMatching(/^recording .* seal: seal does not match the file: chunk count/),
    );
  });

  it('a replaced public key', async () => {
    const attacker = generateSigningKey();
    // Only the key file changes: the manifest still names the gateway's key and is signed by it.
    const r = await tampered((e) => void e.set('public-key.pem', bytes(publicPem(attacker.publicKey))), { pin: false });
    expect(failures(r)).toContainEqual(
      expect.stringMatching(
        /^public key: public-key.pem is key SHA256:\S+, but the manifest names SHA256:\S+: the public key was replaced$/,
      ),
    );
    expect(failures(r)).toContainEqual(expect.stringMatching(/^signature: manifest.sig does not verify/));
  });

  it('a manifest re-signed with another key: caught by the recordings’ seals, and by pinning the gateway key', async () => {
    const attacker = generateSigningKey();
    const change = (e: PacketEntries) => resign(e, attacker, { asKey: true });
    const unpinned = await tampered(change, { pin: false });
    expect(failures(unpinned)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^recording ${sessionId} signature: seal signed by SHA256:\\S+, expected SHA256:\\S+`),
      ),
    );
    const pinned = await tampered(change);
    expect(failures(pinned)).toContainEqual(
      expect.stringMatching(/^public key: packet key SHA256:\S+ is not the trusted key SHA256:\S+$/),
    );
    expect(failures(pinned)).toContainEqual(
      expect.stringMatching(/^signature: manifest.sig does not verify with SHA256:/),
    );
  });

  it('a truncated audit chain, even re-signed', async () => {
    const r = await tampered((e) => {
      edit(e, 'audit/events.jsonl', (b) => bytes(`${text(b).trimEnd().split('\n').slice(0, -1).join('\n')}\n`));
      resign(e, gatewayKey());
    });
    expect(failures(r)).toEqual([
      expect.stringMatching(
        /^audit chain: events end at seq \d+ but the range ends at \d+: the audit log was truncated|custody entry names audit seq/,
      ),
    ]);
  });

  it('an edited audit event, and a removed one, even re-signed', async () => {
    const edited = await tampered((e) => {
      edit(e, 'audit/events.jsonl', (b) => bytes(text(b).replace('"actor":"agent-1"', '"actor":"someone-else"')));
      resign(e, gatewayKey());
    });
    expect(failures(edited)).toEqual([
      expect.stringMatching(
        /^audit chain: line 1 \(seq \d+\): hash mismatch \(stored [0-9a-f]{64}, computed [0-9a-f]{64}\): the event was altered$/,
      ),
    ]);
    const removed = await tampered((e) => {
      edit(e, 'audit/events.jsonl', (b) => {
        const lines = text(b).trimEnd().split('\n');
        return bytes(`${[lines[0], ...lines.slice(2)].join('\n')}\n`);
      });
      resign(e, gatewayKey());
    });
    expect(failures(removed)).toEqual([
      expect.stringMatching(/^audit chain: line 2 \(seq \d+\): events \d+–\d+ are missing and not declared omitted$/),
    ]);
  });

  it('`vigil verify` prints the failing check and exits 1', async () => {
    const entries = await readPacket(packet);
    entries.delete(`sessions/${sessionId}/session.json`);
    const path = join(dir, 'cli-tampered.zip');
    await writePacket(path, entries);
    const io = capture();
    expect(await main(['verify', path, '--data-dir', h.dataDir], io)).toBe(1);
    expect(io.stdout).toContain(`FAIL file sessions/${sessionId}/session.json: missing from the packet`);
    expect(io.stdout).toMatch(/NOT INTACT \(1 of \d+ checks failed\)/);
    // Not a zip at all, and a truncated one.
    writeFileSync(path, readFileSync(packet).subarray(0, 1000));
    const cut = capture();
    expect(await main(['verify', path], cut)).toBe(1);
    expect(cut.stdout).toMatch(/FAIL zip: cannot read the packet: not a zip archive/);
  });
});

function tail(from: number): number[] {
  const chunks = manifest.sessions[0]?.seal.chunks ?? 0;
  return Array.from({ length: Math.max(0, chunks - from) }, (_, i) => from + i);
}

function publicPem(key: Uint8Array): string {
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(key)]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
}

function capture(): CliIo & { stdout: string; stderr: string } {
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
    cwd: dir,
  };
  return io;
}
