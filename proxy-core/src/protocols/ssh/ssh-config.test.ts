import { describe, expect, it } from 'vitest';
import { toSshConnection } from './ssh-config';

describe('toSshConnection', () => {
  it('resolves the upstream password from the environment and keeps the rest', () => {
    const c = toSshConnection(
      {
        name: 'build-host',
        type: 'ssh',
        policy: 'p',
        upstream: { host: 'h', port: 22, user: 'deploy', passwordEnv: 'PW', hostKey: 'ssh-ed25519 AAAA' },
      },
      { PW: 'secret' },
    );
    expect(c).toEqual({
      name: 'build-host',
      policy: 'p',
      upstream: { host: 'h', port: 22, user: 'deploy', hostKey: 'ssh-ed25519 AAAA', password: 'secret' },
    });
  });

  it('leaves the password out for key logins', () => {
    const c = toSshConnection({
      name: 'k',
      type: 'ssh',
      policy: 'p',
      upstream: { host: 'h', port: 22, user: 'u', privateKeyFile: '/keys/u', hostKey: 'ssh-ed25519 AAAA' },
    });
    expect(c.upstream).toEqual({
      host: 'h',
      port: 22,
      user: 'u',
      privateKeyFile: '/keys/u',
      hostKey: 'ssh-ed25519 AAAA',
    });
  });
});
