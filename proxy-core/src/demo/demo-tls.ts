import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';
import { writeSelfSignedCert } from '../net/self-signed-cert';

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
    writeSelfSignedCert({ keyPath: key, certPath: cert, names: ['DNS:localhost', 'IP:127.0.0.1'], days: 825 });
    return { cert, key };
  } catch (err) {
    logger.warn('openssl not available: the demo PostgreSQL listener runs without TLS', { err });
    return undefined;
  }
}
