import { execFileSync } from 'node:child_process';

/**
 * A self-signed P-256 certificate and key written by the system's openssl (the demo's listener,
 * test peers). `names` become the subject alternative names (`DNS:…` or `IP:…`); the first is the CN.
 * Throws when openssl is missing.
 */
export function writeSelfSignedCert(opts: { keyPath: string; certPath: string; names: string[]; days: number }): void {
  const [first] = opts.names;
  if (first === undefined) throw new Error('a certificate needs at least one name');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      String(opts.days),
      '-subj',
      `/CN=${first.replace(/^(DNS|IP):/, '')}`,
      '-addext',
      `subjectAltName=${opts.names.join(',')}`,
      '-keyout',
      opts.keyPath,
      '-out',
      opts.certPath,
    ],
    { stdio: 'ignore' },
  );
}
