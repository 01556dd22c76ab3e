import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// STYLE.md point 1: only app/ imports Electron, and within app/ only src/electron-main/ (as VS Code keeps it
// behind electron-main/ folders): everything else is tested under plain Node and must load without it.
const srcDir = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const importsOf = (file: string) =>
  [
    ...readFileSync(file, 'utf8').matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2]) as string);

describe('layering of app/src', () => {
  const files = sources(srcDir).map((f) => ({ file: relative(srcDir, f), imports: importsOf(f) }));

  it('imports electron only under electron-main/', () => {
    const offenders = files.filter((f) => !f.file.startsWith('electron-main/') && f.imports.includes('electron'));
    expect(offenders.map((f) => f.file)).toEqual([]);
    expect(files.find((f) => f.file === 'electron-main/main.ts')?.imports).toContain('electron');
  });

  it('never imports electron-main/ from the plain-Node modules', () => {
    const offenders = files.filter(
      (f) => !f.file.startsWith('electron-main/') && f.imports.some((i) => i.includes('electron-main')),
    );
    expect(offenders.map((f) => f.file)).toEqual([]);
  });

  it('keeps the preload to the pure IPC contract', () => {
    const preload = files.find((f) => f.file === 'electron-main/preload.ts');
    expect(preload?.imports.sort()).toEqual(['../ipc-contract', 'electron']);
  });
});
