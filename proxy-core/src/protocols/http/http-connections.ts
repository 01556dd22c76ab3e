import type { HttpConnectionConfig } from '../../config/config';
import type { HttpConnection, TextMasker, UpstreamAuth } from './http-listener.types';

/** An http connection from config with its secrets read from the environment (at session time, never logged). */
export function httpConnectionFromConfig(
  c: HttpConnectionConfig,
  env: NodeJS.ProcessEnv,
  maskText: TextMasker | undefined,
): HttpConnection {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined) throw new Error(`connection "${c.name}": environment variable ${name} is not set`);
    return value;
  };
  const a = c.upstream.auth;
  const auth: UpstreamAuth = {};
  if (a?.bearerEnv) auth.bearer = need(a.bearerEnv);
  if (a?.basicUserEnv && a.basicPasswordEnv)
    auth.basic = { user: need(a.basicUserEnv), password: need(a.basicPasswordEnv) };
  if (a?.header) auth.header = { name: a.header.name, value: need(a.header.valueEnv) };
  if (a?.sigv4)
    auth.sigv4 = {
      region: a.sigv4.region,
      service: a.sigv4.service,
      accessKeyId: need(a.sigv4.accessKeyIdEnv),
      secretAccessKey: need(a.sigv4.secretAccessKeyEnv),
      ...(a.sigv4.sessionTokenEnv ? { sessionToken: need(a.sigv4.sessionTokenEnv) } : {}),
    };
  return {
    name: c.name,
    upstream: { url: c.upstream.url, auth },
    masking: {
      jsonPaths: c.masking?.jsonPaths ?? [],
      style: c.masking?.style ?? 'redact',
      ...(maskText ? { maskText } : {}),
    },
  };
}
