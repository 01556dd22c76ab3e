import { describe, expect, it } from 'vitest';
import { appPaths } from './app-paths';

describe('appPaths', () => {
  it('uses ~/.config/Vigil on Linux', () => {
    const p = appPaths({ platform: 'linux', env: {}, homedir: '/home/ada' });
    expect(p).toEqual({
      root: '/home/ada/.config/Vigil',
      demo: '/home/ada/.config/Vigil/demo',
      logs: '/home/ada/.config/Vigil/logs',
      userConfig: '/home/ada/.config/Vigil/vigil.yaml',
    });
  });

  it('follows an absolute $XDG_CONFIG_HOME and ignores a relative one', () => {
    expect(appPaths({ platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg' }, homedir: '/home/ada' }).root).toBe(
      '/xdg/Vigil',
    );
    expect(appPaths({ platform: 'linux', env: { XDG_CONFIG_HOME: 'rel' }, homedir: '/home/ada' }).root).toBe(
      '/home/ada/.config/Vigil',
    );
    expect(appPaths({ platform: 'freebsd', env: {}, homedir: '/home/ada' }).root).toBe('/home/ada/.config/Vigil');
  });

  it('uses ~/Library/Application Support/Vigil on macOS', () => {
    const p = appPaths({ platform: 'darwin', env: { XDG_CONFIG_HOME: '/xdg' }, homedir: '/Users/ada' });
    expect(p.root).toBe('/Users/ada/Library/Application Support/Vigil');
    expect(p.demo).toBe('/Users/ada/Library/Application Support/Vigil/demo');
  });

  it('uses %APPDATA%\\Vigil on Windows, with Windows separators', () => {
    const p = appPaths({
      platform: 'win32',
      env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
      homedir: 'C:\\Users\\ada',
    });
    expect(p.root).toBe('C:\\Users\\ada\\AppData\\Roaming\\Vigil');
    expect(p.userConfig).toBe('C:\\Users\\ada\\AppData\\Roaming\\Vigil\\vigil.yaml');
  });

  it('falls back to the roaming profile when %APPDATA% is missing', () => {
    expect(appPaths({ platform: 'win32', env: {}, homedir: 'C:\\Users\\ada' }).root).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Vigil',
    );
  });

  it('lets VIGIL_APP_DATA override every platform', () => {
    expect(appPaths({ platform: 'darwin', env: { VIGIL_APP_DATA: '/tmp/v' }, homedir: '/Users/ada' }).root).toBe(
      '/tmp/v',
    );
    expect(appPaths({ platform: 'linux', env: { VIGIL_APP_DATA: 'relative' }, homedir: '/home/ada' }).root).toBe(
      '/home/ada/.config/Vigil',
    );
  });
});
