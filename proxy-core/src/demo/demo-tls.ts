import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';

/**
 * A self-signed certificate for the demo's PostgreSQL listener, made once with the system's openssl
 * and kept in dataDir. Without openssl the demo runs without TLS (and says so).
 */
export function demoTls(dataDir: string, logger: Logger): { cert: string; key: string } | undefined {
  const dir = join(dataDir, 'tls');
  const cert = join(dir, 'demo-cert.pem');
  const key = join(dir, 'demo-key.pem');
  if (existsSync(cert) && existsSync(key)) return { cert, key };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
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
        '825',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return { cert, key };
  } catch (err) {
    logger.warn('openssl not available: the demo PostgreSQL listener runs without TLS', { err });
    return undefined;
  }
}
