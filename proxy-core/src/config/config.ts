import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { auditSinksSchema } from '../audit/sinks/audit-sinks-config';
import { policySchema } from '../policy/policy-schema';
import { authSchema, connectionSchema, limitsSchema, listenSchema, tlsSchema } from './config-schema';

export const configSchema = z
  .object({
    listen: listenSchema.default({ api: '127.0.0.1:7480', postgres: '127.0.0.1:15432' }),
    dataDir: z.string().min(1).default('./.vigil'),
    auth: authSchema,
    tls: tlsSchema.optional(),
    limits: limitsSchema.default({
      maxMessageBytes: 64 * 1024 * 1024,
      maxStatementBytes: 1024 * 1024,
      maxSessions: 10_000,
      authTimeoutMs: 30_000,
    }),
    connections: z.array(connectionSchema).default([]),
    policies: z.array(policySchema).default([]),
    log: z
      .object({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') })
      .strict()
      .optional(),
    approvals: z
      .object({
        /** Called with an HMAC-SHA-256-signed body (header X-Vigil-Signature) on each new pending request. */
        webhook: z
          .object({ url: z.url(), secretEnv: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    audit: z
      .object({
        sinks: auditSinksSchema,
        /** A signed checkpoint of the audit chain head every this many events (and at least every 15 minutes). */
        checkpointEvery: z.number().int().positive().default(1000),
      })
      .strict()
      .default({ sinks: [], checkpointEvery: 1000 }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const policyNames = new Set<string>();
    cfg.policies.forEach((p, i) => {
      if (policyNames.has(p.name))
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'name'], message: `duplicate policy name "${p.name}"` });
      policyNames.add(p.name);
    });
    const connectionNames = new Set<string>();
    cfg.connections.forEach((c, i) => {
      if (connectionNames.has(c.name))
        ctx.addIssue({
          code: 'custom',
          path: ['connections', i, 'name'],
          message: `duplicate connection name "${c.name}"`,
        });
      connectionNames.add(c.name);
      if (!policyNames.has(c.policy))
        ctx.addIssue({ code: 'custom', path: ['connections', i, 'policy'], message: `no policy named "${c.policy}"` });
    });
    if (cfg.auth.issuer === 'dev' && !isLoopback(hostOf(cfg.listen.api)))
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'issuer'],
        message: 'the development issuer is for loopback only: listen.api must be 127.0.0.1, ::1 or localhost',
      });
  });

export type VigilConfig = z.infer<typeof configSchema>;
export type ConnectionConfig = VigilConfig['connections'][number];
export type PostgresConnectionConfig = Extract<ConnectionConfig, { type: 'postgres' }>;
export type HttpConnectionConfig = Extract<ConnectionConfig, { type: 'http' }>;
export type SshConnectionConfig = Extract<ConnectionConfig, { type: 'ssh' }>;

/** A configuration problem: every issue names the path in the file and the reason. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(`${source}: invalid configuration\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse and validate YAML text. Relative paths in the result are resolved against `baseDir`. */
export function parseConfig(text: string, source: string, baseDir: string): VigilConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0]?.line ?? '?'}`,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  const raw: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success)
    throw new ConfigError(source, [
      ...result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue) })),
      // Zod skips whole-config checks once a field is wrong; report dangling references anyway, all at once.
      ...danglingPolicies(raw),
    ]);
  return resolvePaths(result.data, baseDir);
}

export function loadConfigFile(file: string): VigilConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseConfig(text, file, dirname(resolve(file)));
}

/** Resolves a connection's upstream password from env or file at the time it is needed (never logged). */
export function resolveSecret(
  ref: { passwordEnv?: string | undefined; passwordFile?: string | undefined; password?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (ref.passwordEnv !== undefined) return env[ref.passwordEnv];
  if (ref.passwordFile !== undefined) return readFileSync(ref.passwordFile, 'utf8').replace(/\r?\n$/, '');
  return ref.password;
}

export function hostOf(hostPort: string): string {
  return hostPort.slice(0, hostPort.lastIndexOf(':')).replace(/^\[|\]$/g, '');
}

export function portOf(hostPort: string): number {
  return Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function danglingPolicies(raw: unknown): Array<{ path: string; message: string }> {
  const cfg = raw as { connections?: unknown; policies?: unknown };
  if (!Array.isArray(cfg.connections) || !Array.isArray(cfg.policies)) return [];
  const names = new Set(cfg.policies.map((p: { name?: unknown }) => p?.name));
  return cfg.connections.flatMap((c: { policy?: unknown }, i) =>
    typeof c?.policy === 'string' && !names.has(c.policy)
      ? [{ path: `connections[${i}].policy`, message: `no policy named "${c.policy}"` }]
      : [],
  );
}

function resolvePaths(cfg: VigilConfig, baseDir: string): VigilConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...cfg,
    dataDir: abs(cfg.dataDir),
    tls: cfg.tls && { cert: abs(cfg.tls.cert), key: abs(cfg.tls.key) },
    connections: cfg.connections.map((c) => {
      if (c.type === 'ssh' && c.upstream.privateKeyFile !== undefined)
        return { ...c, upstream: { ...c.upstream, privateKeyFile: abs(c.upstream.privateKeyFile) } };
      if (c.type === 'postgres' && c.upstream.passwordFile !== undefined)
        return { ...c, upstream: { ...c.upstream, passwordFile: abs(c.upstream.passwordFile) } };
      return c;
    }),
  };
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator')
    return 'unknown or missing "type" (expected postgres, ssh or http)';
  return issue.message.replace(/^Invalid input: /, '');
}
