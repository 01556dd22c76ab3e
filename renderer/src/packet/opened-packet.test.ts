import { ed25519Signer, publicKeyToPem } from '@vigil/recordings';
import { describe, expect, it } from 'vitest';
import { blobByteSource } from './blob-byte-source';
import { openPacket, parseTrustedKey } from './opened-packet';
import { recordingFrameSource } from './recording-frame-source';
import { buildTestPacket, PACKET_PUBLIC_KEY, RECORDING_PATH, SESSION_ID } from './testing/packet-builder';

const failed = (packet: Awaited<ReturnType<typeof openPacket>>) =>
  packet.verification.checks.filter((c) => !c.ok).map((c) => c.name);

describe('openPacket', () => {
  it('verifies an intact packet in the browser and replays its session from the zip', async () => {
    const { bytes } = await buildTestPacket();
    const progress: string[] = [];
    const packet = await openPacket(new Blob([bytes]), 'packet.zip', {
      onProgress: (p) => progress.push(p.path),
    });
    expect(failed(packet)).toEqual([]);
    expect(packet.verification.ok).toBe(true);
    expect(packet.verification.pinned).toBe(false);
    expect(packet.manifest?.sessions.map((s) => s.id)).toEqual([SESSION_ID]);
    expect(progress).toContain(RECORDING_PATH);

    const recording = await packet.recording(SESSION_ID);
    expect(recording.frameCount).toBe(9);
    const page = await recordingFrameSource(recording, 'postgres').frames(0, 3);
    expect(page.frames[2]).toMatchObject({ messages: [{ type: 'Query' }] });
    await expect(packet.recording('nope')).rejects.toThrow('the packet has no session nope');
  });

  it('pins a trusted key, and says so when the packet was signed with another one', async () => {
    const { bytes } = await buildTestPacket();
    const pinned = await openPacket(new Blob([bytes]), 'p.zip', { trustedKeyPem: publicKeyToPem(PACKET_PUBLIC_KEY) });
    expect(pinned.verification).toMatchObject({ ok: true, pinned: true });
    const other = publicKeyToPem(ed25519Signer(new Uint8Array(32).fill(7)).publicKey);
    const wrong = await openPacket(new Blob([bytes]), 'p.zip', { trustedKeyPem: other });
    expect(failed(wrong)).toEqual([
      'public key',
      'signature',
      `recording ${SESSION_ID} signature`,
      `recording ${SESSION_ID}`,
    ]);
    expect(wrong.verification.checks[2]?.detail).toMatch(/^packet key SHA256:\S+ is not the trusted key SHA256:/);
    await expect(openPacket(new Blob([bytes]), 'p.zip', { trustedKeyPem: 'not a key' })).rejects.toThrow(
      /^Trusted key: not an Ed25519 public key in PEM form/,
    );
  });

  it('names the file and the recording chunk of a flipped byte', async () => {
    const { bytes, recordingOffset } = await buildTestPacket();
    const flipped = bytes.slice();
    const at = recordingOffset + 200;
    flipped[at] = (flipped[at] ?? 0) ^ 0x20;
    const packet = await openPacket(new Blob([flipped]), 'tampered.zip');
    expect(packet.verification.ok).toBe(false);
    const failures = packet.verification.checks.filter((c) => !c.ok);
    expect(failures[0]).toMatchObject({ name: `file ${RECORDING_PATH}` });
    expect(failures[0]?.detail).toMatch(/^SHA-256 [0-9a-f]{64} ≠ manifest [0-9a-f]{64}: content changed$/);
    expect(failures.map((c) => c.name)).toContain(`recording ${SESSION_ID}`);
    // The signature and the audit chain still hold: the failure is exactly where the byte changed.
    for (const name of ['signature', 'audit chain', 'extra files']) {
      expect(packet.verification.checks.find((c) => c.name === name)?.ok).toBe(true);
    }
  });

  it('reports a file that is not a zip as one failed check', async () => {
    const packet = await openPacket(new Blob([new TextEncoder().encode('hello')]), 'notes.txt');
    expect(packet.verification.checks).toEqual([
      { name: 'zip', ok: false, detail: expect.stringMatching(/^cannot read the packet: not a zip archive/) },
    ]);
    expect(packet.manifest).toBeUndefined();
  });
});

describe('parseTrustedKey', () => {
  it('gives the fingerprint of a pasted PEM, or why it is not a key', () => {
    expect(parseTrustedKey(`\n${publicKeyToPem(PACKET_PUBLIC_KEY)}\n`)).toMatchObject({
      fingerprint: expect.stringMatching(/^SHA256:/),
    });
    expect(parseTrustedKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toMatchObject({
      error: expect.stringMatching(/^not an Ed25519 public key in PEM form: /),
    });
  });
});

describe('blobByteSource', () => {
  it('reads exactly the bytes asked for, and refuses ranges outside the file', async () => {
    const source = blobByteSource(new Blob([new Uint8Array([1, 2, 3, 4, 5])]));
    expect(source.size).toBe(5);
    expect([...(await source.read(1, 3))]).toEqual([2, 3, 4]);
    expect((await source.read(5, 0)).length).toBe(0);
    await expect(source.read(3, 3)).rejects.toThrow(/beyond the end of the file \(5 bytes\)/);
    await expect(source.read(-1, 1)).rejects.toThrow(RangeError);
  });
});
