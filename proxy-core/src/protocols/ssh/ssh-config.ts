import { type ConnectionConfig, resolveSecret } from '../../config/config';
import type { SshConnection } from './ssh.types';

export type SshConnectionConfig = Extract<ConnectionConfig, { type: 'ssh' }>;

/** A connection from vigil.yaml as the listener needs it, with its password resolved now (env or file). */
export function toSshConnection(c: SshConnectionConfig, env: NodeJS.ProcessEnv = process.env): SshConnection {
  const { passwordEnv: _env, passwordFile: _file, password: _inline, ...upstream } = c.upstream;
  const password = resolveSecret(c.upstream, env);
  return { name: c.name, policy: c.policy, upstream: { ...upstream, ...(password !== undefined ? { password } : {}) } };
}
