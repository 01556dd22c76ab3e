import { readFileSync } from 'node:fs';
import ssh2, { type Client, type ConnectConfig } from 'ssh2';
import { fingerprint, parsePublicKeyLine } from './host-keys';
import type { SshConnection } from './ssh.types';

export type UpstreamFailure = 'host-key' | 'credential' | 'config' | 'unreachable';

/** Why the upstream could not be reached; `message` is meant for the agent (no secrets, no internals). */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Host key algorithms that present a key of a pinned type (RSA keys sign with SHA-2 since RFC 8332). */
function hostKeyAlgorithms(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

/**
 * Logs in to the connection's upstream with the stored credential. The upstream host key is pinned: only the
 * key in config is accepted (and only its type is negotiated), so a changed key refuses the session.
 */
export function connectUpstream(
  connection: SshConnection,
  readFile: (path: string) => Buffer = readFileSync,
): Promise<Client> {
  const up = connection.upstream;
  let pinned: { type: string; blob: Buffer };
  let privateKey: Buffer | undefined;
  try {
    pinned = parsePublicKeyLine(up.hostKey);
    privateKey = up.privateKeyFile === undefined ? undefined : readFile(up.privateKeyFile);
  } catch (err) {
    return Promise.reject(
      new UpstreamError('config', `connection "${connection.name}" is misconfigured: ${(err as Error).message}`),
    );
  }
  if (!privateKey && up.password === undefined)
    return Promise.reject(new UpstreamError('config', `connection "${connection.name}" has no upstream credential`));
  let presented: Buffer | undefined;
  const client = new ssh2.Client();
  const config: ConnectConfig = {
    host: up.host,
    port: up.port,
    username: up.user,
    readyTimeout: up.connectTimeoutMs ?? 10_000,
    keepaliveInterval: 15_000,
    algorithms: {
      serverHostKey: hostKeyAlgorithms(pinned.type) as NonNullable<ConnectConfig['algorithms']>['serverHostKey'],
    },
    hostVerifier: (key: Buffer) => {
      presented = key;
      return key.equals(pinned.blob);
    },
    ...(privateKey ? { privateKey } : {}),
    ...(up.password !== undefined ? { password: up.password } : {}),
  };
  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      client.removeAllListeners('error');
      resolve(client);
    });
    client.once('error', (err: Error & { level?: string }) => {
      client.end();
      reject(classify(connection, err, presented, pinned.blob));
    });
    client.connect(config);
  });
}

function classify(
  connection: SshConnection,
  err: Error & { level?: string },
  presented: Buffer | undefined,
  pinned: Buffer,
): UpstreamError {
  const where = `${connection.upstream.host}:${connection.upstream.port}`;
  if (presented && !presented.equals(pinned))
    return new UpstreamError(
      'host-key',
      `the host key of ${where} (${fingerprint(presented)}) does not match the key pinned for connection "${connection.name}" (${fingerprint(pinned)}); refusing to connect: the host may have been replaced or the connection intercepted`,
    );
  if (!presented && /no matching host key/i.test(err.message))
    return new UpstreamError(
      'host-key',
      `${where} offers no host key of the pinned type for connection "${connection.name}"; refusing to connect`,
    );
  if (err.level === 'client-authentication')
    return new UpstreamError(
      'credential',
      `${where} rejected Vigil's stored credential for connection "${connection.name}"`,
    );
  return new UpstreamError(
    'unreachable',
    `the upstream of connection "${connection.name}" (${where}) is unavailable: ${err.message}`,
  );
}
