import { describe, expect, it } from 'vitest';
import { compileDetectors } from '../../masking/detectors/index';
import { credentialSecrets, maskSecretsInHeaders, withCredentialMasking } from './credential-masker';
import { detectorTextMasker } from './detector-text-masker';

describe('credential masking', () => {
  const secrets = credentialSecrets({
    bearer: 'tok-123456789',
    basic: { user: 'u', password: 'pw' },
    sigv4: { region: 'r', service: 's', accessKeyId: 'AKID', secretAccessKey: 'secret-abcdefgh' },
  });

  it('lists credential values long enough to be told from text', () => {
    expect(secrets).toEqual(['tok-123456789', Buffer.from('u:pw').toString('base64'), 'secret-abcdefgh']);
  });

  it('masks the credential before detectors, and detectors elsewhere', () => {
    const mask = withCredentialMasking(detectorTextMasker(compileDetectors(['email']), 'redact'), secrets);
    const got = mask?.('auth Bearer tok-123456789 by a@example.com, again tok-123456789');
    expect(got?.text).toBe('auth Bearer **** by ****, again ****');
    expect(got?.masks.map((m) => m.rule)).toEqual(['credential', 'email', 'credential']);
  });

  it('masks header values', () => {
    expect(maskSecretsInHeaders({ 'x-echo': 'Bearer tok-123456789', n: ['secret-abcdefgh', 'ok'] }, secrets)).toEqual({
      'x-echo': 'Bearer ****',
      n: ['****', 'ok'],
    });
  });
});
