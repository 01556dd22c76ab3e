import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClient } from './support/client-process';
import { annotations, type SshHarness, startSshHarness } from './support/sshd';

let h: SshHarness;
let work: string;

beforeAll(async () => {
  h = await startSshHarness();
  work = mkdtempSync(join(tmpdir(), 'vigil-ssh-sftp-'));
});

afterAll(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('SFTP through the gateway (OpenSSH sftp and scp)', () => {
  it('relays uploads and downloads and annotates each transfer with path, size and SHA-256', async () => {
    const data = randomBytes(1_500_000);
    const local = join(work, 'local.bin');
    const remote = join(work, 'remote.bin');
    const back = join(work, 'back.bin');
    writeFileSync(local, data);
    const batch = join(work, 'batch');
    writeFileSync(
      batch,
      `put ${local} ${remote}\nget ${remote} ${back}\nrename ${remote} ${remote}.old\nrm ${remote}.old\n`,
    );
    const before = h.sessions.length;
    // `sftp -b` forces BatchMode (no password prompt), so this agent logs in with its registered key.
    const r = await h.ssh(['-b', batch, 'target@127.0.0.1'], { program: 'sftp', key: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(back).equals(data)).toBe(true);
    expect(existsSync(`${remote}.old`)).toBe(false);

    const session = h.sessions[before];
    if (!session) throw new Error('no session');
    const { frames } = await h.recording(session);
    const notes = annotations(frames);
    const transfers = notes.filter((a) => a.type === 'transfer');
    expect(transfers).toEqual([
      { type: 'transfer', direction: 'upload', path: remote, size: data.length, sha256: sha256(data), complete: true },
      {
        type: 'transfer',
        direction: 'download',
        path: remote,
        size: data.length,
        sha256: sha256(data),
        complete: true,
      },
    ]);
    expect(notes.filter((a) => a.type === 'sftp')).toEqual([
      { type: 'sftp', op: 'rename', path: remote, to: `${remote}.old` },
      { type: 'sftp', op: 'remove', path: `${remote}.old` },
    ]);
    const sftpBytes = frames
      .filter((f) => f.kind === 'bytes' && f.channel === 3)
      .reduce((n, f) => n + (f.kind === 'bytes' ? f.data.length : 0), 0);
    expect(sftpBytes).toBeGreaterThan(2 * data.length);
  });

  it('carries scp (which speaks SFTP since OpenSSH 9)', async () => {
    const data = randomBytes(70_000);
    const local = join(work, 'scp-src.txt');
    const remote = join(work, 'scp-dst.txt');
    writeFileSync(local, data);
    const { args, env } = h.clientOptions({ key: true });
    const before = h.sessions.length;
    const r = await runClient('scp', [...args, '-P', String(h.port), local, `target@127.0.0.1:${remote}`], env);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(remote).equals(data)).toBe(true);
    const session = h.sessions[before];
    if (!session) throw new Error('no session');
    const { frames } = await h.recording(session);
    expect(annotations(frames).find((a) => a.type === 'transfer')).toMatchObject({
      direction: 'upload',
      path: remote,
      size: data.length,
      sha256: sha256(data),
    });
  });
});
