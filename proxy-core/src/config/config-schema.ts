import { z } from 'zod';

/** `host:port` on which a listener binds. */
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:15432')
  .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, 'port must be 0–65535');

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'expected a name of letters, digits, _ . -');

/** A secret is never written in the file itself unless the user insists: env var or file. */
const secretRef = {
  passwordEnv: z.string().min(1).optional(),
  passwordFile: z.string().min(1).optional(),
  password: z.string().optional(),
};

const postgresUpstream = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(5432),
    database: z.string().min(1),
    user: z.string().min(1),
    ...secretRef,
    tls: z.enum(['disable', 'prefer', 'require', 'verify-full']).default('prefer'),
    ca: z.string().optional(),
    connectTimeoutMs: z.number().int().positive().default(10_000),
    /**
     * Upstream connections kept open between sessions, reset with DISCARD ALL before the next one
     * (of any principal) gets them. Off while maxIdle is 0.
     */
    pool: z
      .object({
        maxIdle: z.number().int().min(0).max(1000).default(0),
        idleTimeoutMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .optional(),
  })
  .strict();

const sshUpstream = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().min(1),
    privateKeyFile: z.string().optional(),
    ...secretRef,
    hostKey: z.string().min(1),
  })
  .strict();

const httpUpstream = z
  .object({
    url: z.url(),
    auth: z
      .object({
        bearerEnv: z.string().optional(),
        basicUserEnv: z.string().optional(),
        basicPasswordEnv: z.string().optional(),
        header: z.object({ name: z.string(), valueEnv: z.string() }).strict().optional(),
        sigv4: z
          .object({
            region: z.string(),
            service: z.string(),
            accessKeyIdEnv: z.string(),
            secretAccessKeyEnv: z.string(),
            sessionTokenEnv: z.string().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** HTTP responses: JSON paths masked whatever their content (detectors from the policy apply too). */
const httpMasking = z
  .object({
    jsonPaths: z.array(z.string().min(2)).default([]),
    style: z.enum(['redact', 'partial']).default('redact'),
  })
  .strict();

const connectionCommon = {
  name,
  policy: name,
  /** How long recordings keep their content, e.g. `90d`; then only the signed skeleton remains. */
  retention: z
    .string()
    .regex(/^\d+[mhdw]$/, 'expected a duration such as 90d, 12w, 36h or 30m')
    .optional(),
  description: z.string().optional(),
};

export const connectionSchema = z.discriminatedUnion('type', [
  z.object({ ...connectionCommon, type: z.literal('postgres'), upstream: postgresUpstream }).strict(),
  z.object({ ...connectionCommon, type: z.literal('ssh'), upstream: sshUpstream }).strict(),
  z
    .object({ ...connectionCommon, type: z.literal('http'), upstream: httpUpstream, masking: httpMasking.optional() })
    .strict(),
]);

const roleGroups = z.array(z.string().min(1));

export const authSchema = z
  .object({
    issuer: z.union([z.literal('dev'), z.url()]),
    audience: z.string().min(1).default('vigil'),
    groupsClaim: z.string().min(1).default('groups'),
    roles: z
      .object({
        admin: roleGroups.optional(),
        approver: roleGroups.optional(),
        auditor: roleGroups.optional(),
        agent: roleGroups.optional(),
      })
      .strict()
      .default({}),
    algorithms: z.array(z.string()).optional(),
    clockToleranceSec: z.number().int().min(0).max(300).default(30),
    /** SSH public keys registered to principals (agents that cannot present a token over SSH). */
    publicKeys: z
      .array(
        z
          .object({
            key: z
              .string()
              .regex(
                /^(ssh-ed25519|ecdsa-sha2-nistp\d+|ssh-rsa) [A-Za-z0-9+/=]+( .*)?$/,
                'expected an OpenSSH public key line',
              ),
            sub: z.string().min(1),
            groups: z.array(z.string()).default([]),
          })
          .strict(),
      )
      .default([]),
    /** For the IDE's human sign-in (authorization code + PKCE). */
    clientId: z.string().optional(),
    clientSecretEnv: z.string().optional(),
  })
  .strict();

export const listenSchema = z
  .object({
    api: hostPort.default('127.0.0.1:7480'),
    postgres: hostPort.default('127.0.0.1:15432'),
    ssh: hostPort.optional(),
    http: hostPort.optional(),
  })
  .strict();

export const limitsSchema = z
  .object({
    /** Largest single wire message accepted from a client (bytes). PostgreSQL itself allows up to 1 GB. */
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .max(1 << 30)
      .default(64 * 1024 * 1024),
    /**
     * Largest SQL text (a Query or Parse message) that policy and masking parse. Parsing runs on the event loop and
     * takes about a second and a few hundred MB per 3 MB of SQL; larger statements are refused. Bulk data belongs
     * in COPY, whose rows are streamed, never parsed.
     */
    maxStatementBytes: z
      .number()
      .int()
      .min(1024)
      .max(1 << 30)
      .default(1024 * 1024),
    maxSessions: z.number().int().positive().default(10_000),
    /** How long a client may take from connecting to finishing authentication. */
    authTimeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();

export const tlsSchema = z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict();
