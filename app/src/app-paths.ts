import { posix, win32 } from 'node:path';

export interface AppPaths {
  /** The desktop app's own folder: Chromium's profile (cookies, cache) and everything below. */
  root: string;
  /** The demo gateway's state (SQLite store, recordings, keys, the embedded database). */
  demo: string;
  /** The app's log file lives here. */
  logs: string;
  /** A gateway configuration here is used instead of the demo. */
  userConfig: string;
}

export interface PathEnv {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}

export const APP_FOLDER = 'Vigil';

/**
 * Where the desktop app keeps its data, by the conventions of each OS (the same folders Electron's
 * `appData` uses): `$XDG_CONFIG_HOME` or `~/.config` on Linux, `~/Library/Application Support` on macOS,
 * `%APPDATA%` on Windows. `VIGIL_APP_DATA` overrides it (portable installs, tests).
 */
export function appPaths({ platform, env, homedir }: PathEnv): AppPaths {
  const path = platform === 'win32' ? win32 : posix;
  const root = nonEmptyAbsolute(env.VIGIL_APP_DATA, path) ?? path.join(appDataBase(platform, env, homedir), APP_FOLDER);
  return {
    root,
    demo: path.join(root, 'demo'),
    logs: path.join(root, 'logs'),
    userConfig: path.join(root, 'vigil.yaml'),
  };
}

function appDataBase(platform: NodeJS.Platform, env: PathEnv['env'], homedir: string): string {
  switch (platform) {
    case 'win32':
      return nonEmptyAbsolute(env.APPDATA, win32) ?? win32.join(homedir, 'AppData', 'Roaming');
    case 'darwin':
      return posix.join(homedir, 'Library', 'Application Support');
    default:
      // XDG Base Directory spec: a relative $XDG_CONFIG_HOME is invalid and must be ignored.
      return nonEmptyAbsolute(env.XDG_CONFIG_HOME, posix) ?? posix.join(homedir, '.config');
  }
}

function nonEmptyAbsolute(value: string | undefined, path: typeof posix): string | undefined {
  return value && path.isAbsolute(value) ? value : undefined;
}
