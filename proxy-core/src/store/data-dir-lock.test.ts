import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from './data-dir-lock';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigil-lock-'));
  dirs.push(d);
  return d;
};

/** Tries the lock from another process: what a second `vigil serve` would get. */
function lockFromAnotherProcess(dir: string): string {
  const script = `
    import('${join(import.meta.dirname, 'data-dir-lock.ts')}').then(({ lockDataDir }) => {
      try { lockDataDir(${JSON.stringify(dir)}).release(); console.log('locked'); }
      catch (err) { console.log(err.name + ': ' + err.message); }
    });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  return (r.stdout + r.stderr).trim();
}

describe('lockDataDir', () => {
  it('lets one holder at a time have a data directory, in this process and in another', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirBusyError);
    expect(() => lockDataDir(dir)).toThrow(/another Vigil gateway is serving/);
    expect(lockFromAnotherProcess(dir)).toMatch(/DataDirBusyError: another Vigil gateway is serving/);
    lock.release();
    expect(lockFromAnotherProcess(dir)).toBe('locked');
    lockDataDir(dir).release();
  });

  it('is free again once its holder ends, however it ends', () => {
    const dir = tempDir();
    // A process that takes the lock and is killed while holding it.
    const script = `import('${join(import.meta.dirname, 'data-dir-lock.ts')}').then(({ lockDataDir }) => { lockDataDir(${JSON.stringify(dir)}); process.kill(process.pid, 'SIGKILL'); });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(() => lockDataDir(dir).release()).not.toThrow();
  });

  it('different directories do not contend', () => {
    const a = lockDataDir(tempDir());
    let b: ReturnType<typeof lockDataDir> | undefined;
    expect(() => {
      b = lockDataDir(tempDir());
    }).not.toThrow();
    a.release();
    b?.release();
  });
});
