import { isAbsolute, resolve } from 'node:path';

export type LaunchMode = { kind: 'config'; configPath: string; source: string } | { kind: 'demo'; source: string };

export interface LaunchInput {
  /** `process.argv` as the main process sees it (Chromium switches included). */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** `AppPaths.userConfig`: used when it exists. */
  userConfig: string;
  exists(path: string): boolean;
}

/**
 * Which gateway the desktop app runs, first match wins: `--demo`, `--config FILE` (or `--config=FILE`),
 * `$VIGIL_CONFIG`, a `vigil.yaml` in the app's data folder, else the demo (embedded database, development
 * issuer), so a fresh install opens on something that works.
 */
export function resolveLaunch(input: LaunchInput): LaunchMode {
  if (input.argv.includes('--demo')) return { kind: 'demo', source: '--demo' };
  const flag = configFlag(input.argv);
  if (flag) return { kind: 'config', configPath: absolute(flag, input.cwd), source: '--config' };
  const fromEnv = input.env.VIGIL_CONFIG;
  if (fromEnv) return { kind: 'config', configPath: absolute(fromEnv, input.cwd), source: 'VIGIL_CONFIG' };
  if (input.exists(input.userConfig)) return { kind: 'config', configPath: input.userConfig, source: input.userConfig };
  return { kind: 'demo', source: 'no configuration found' };
}

function configFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--config=')) return arg.slice('--config='.length) || undefined;
    if (arg === '--config') {
      const next = argv[i + 1];
      return next && !next.startsWith('--') ? next : undefined;
    }
  }
  return undefined;
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
