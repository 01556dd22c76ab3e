import { describe, expect, it } from 'vitest';
import { type LaunchInput, resolveLaunch } from './launch-options';

const base: LaunchInput = {
  argv: ['/opt/Vigil/vigil', '--no-sandbox'],
  env: {},
  cwd: '/home/ada',
  userConfig: '/home/ada/.config/Vigil/vigil.yaml',
  exists: () => false,
};

describe('resolveLaunch', () => {
  it('runs the demo when nothing is configured', () => {
    expect(resolveLaunch(base)).toEqual({ kind: 'demo', source: 'no configuration found' });
  });

  it('takes --config FILE and --config=FILE, relative to the working directory', () => {
    expect(resolveLaunch({ ...base, argv: [...base.argv, '--config', 'gw/vigil.yaml'] })).toEqual({
      kind: 'config',
      configPath: '/home/ada/gw/vigil.yaml',
      source: '--config',
    });
    expect(resolveLaunch({ ...base, argv: [...base.argv, '--config=/etc/vigil.yaml'] })).toMatchObject({
      configPath: '/etc/vigil.yaml',
    });
  });

  it('ignores a --config without a value', () => {
    expect(resolveLaunch({ ...base, argv: [...base.argv, '--config'] }).kind).toBe('demo');
    expect(resolveLaunch({ ...base, argv: [...base.argv, '--config', '--inspect'] }).kind).toBe('demo');
    expect(resolveLaunch({ ...base, argv: [...base.argv, '--config='] }).kind).toBe('demo');
  });

  it('prefers --demo, then --config, then $VIGIL_CONFIG, then the data folder', () => {
    const all: LaunchInput = {
      ...base,
      argv: [...base.argv, '--config', '/a.yaml'],
      env: { VIGIL_CONFIG: '/b.yaml' },
      exists: () => true,
    };
    expect(resolveLaunch({ ...all, argv: [...all.argv, '--demo'] }).kind).toBe('demo');
    expect(resolveLaunch(all)).toMatchObject({ configPath: '/a.yaml' });
    expect(resolveLaunch({ ...all, argv: base.argv })).toMatchObject({ configPath: '/b.yaml', source: 'VIGIL_CONFIG' });
    expect(resolveLaunch({ ...all, argv: base.argv, env: {} })).toMatchObject({ configPath: base.userConfig });
  });
});
