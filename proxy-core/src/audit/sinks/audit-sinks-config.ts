import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../logger';
import type { Store } from '../../store/store.types';
import { sessionProtocols } from '../audit-export';
import { AuditForwarder } from './audit-forwarder';
import type { AuditSink } from './audit-sink.types';
import { JsonlFileSink } from './jsonl-file-sink';
import { SplunkHecSink } from './splunk-hec-sink';
import { SyslogSink } from './syslog-sink';
import { WebhookSink } from './webhook-sink';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'expected a name of letters, digits, _ . -');
const format = z.enum(['ocsf', 'jsonl']).default('ocsf');
const common = { name, format, maxBacklog: z.number().int().positive().optional() };

/**
 * `audit.sinks` in vigil.yaml. Secrets come from the environment (`…Env`), never from the file.
 * ```yaml
 * audit:
 *   sinks:
 *     - { name: siem-file, type: jsonl, path: /var/log/vigil/audit.jsonl, maxBytes: 104857600, keep: 5 }
 *     - { name: soc, type: webhook, url: https://hooks.example.com/vigil, secretEnv: VIGIL_WEBHOOK_SECRET }
 *     - { name: splunk, type: splunk-hec, url: https://splunk.example.com:8088, tokenEnv: SPLUNK_HEC_TOKEN, index: security }
 *     - { name: syslog, type: syslog, transport: tls, host: logs.example.com, port: 6514, caFile: ./ca.pem }
 * ```
 */
export const auditSinkSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('jsonl'),
      ...common,
      path: z.string().min(1),
      maxBytes: z.number().int().positive().optional(),
      keep: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('webhook'),
      ...common,
      url: z.url(),
      secretEnv: z.string().min(1),
      timeoutMs: z.number().int().positive().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('splunk-hec'),
      ...common,
      url: z.url(),
      tokenEnv: z.string().min(1),
      index: z.string().optional(),
      source: z.string().optional(),
      sourcetype: z.string().optional(),
      timeoutMs: z.number().int().positive().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('syslog'),
      ...common,
      transport: z.enum(['udp', 'tcp', 'tls']).default('tcp'),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      caFile: z.string().optional(),
      servername: z.string().optional(),
    })
    .strict(),
]);

export const auditSinksSchema = z.array(auditSinkSchema).default([]);

export type AuditSinkConfig = z.infer<typeof auditSinkSchema>;

export interface AuditSinkDeps {
  store: Store;
  dataDir: string;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  productVersion: string;
}

/** One forwarder per configured sink (not started); the caller starts them and stops them on shutdown. */
export function createAuditForwarders(configs: readonly AuditSinkConfig[], deps: AuditSinkDeps): AuditForwarder[] {
  const ocsf = { productVersion: deps.productVersion, protocolOf: sessionProtocols(deps.store) };
  return configs.map(
    (c) =>
      new AuditForwarder({
        store: deps.store,
        sink: createSink(c, deps, ocsf),
        stateDir: join(deps.dataDir, 'audit-sinks'),
        logger: deps.logger.child({ part: 'audit-sink', sink: c.name }),
        ...(c.maxBacklog ? { maxBacklog: c.maxBacklog } : {}),
      }),
  );
}

function createSink(
  c: AuditSinkConfig,
  deps: AuditSinkDeps,
  ocsf: { productVersion: string; protocolOf: (id: string) => string | undefined },
): AuditSink {
  const secret = (env: string) => {
    const value = deps.env[env];
    if (!value) throw new Error(`audit sink ${c.name}: environment variable ${env} is not set`);
    return value;
  };
  switch (c.type) {
    case 'jsonl':
      return new JsonlFileSink({
        name: c.name,
        path: c.path,
        format: c.format,
        ocsf,
        ...(c.maxBytes ? { maxBytes: c.maxBytes } : {}),
        ...(c.keep ? { keep: c.keep } : {}),
      });
    case 'webhook':
      return new WebhookSink({
        name: c.name,
        url: c.url,
        secret: secret(c.secretEnv),
        format: c.format,
        ocsf,
        ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
      });
    case 'splunk-hec':
      return new SplunkHecSink({
        ...{ name: c.name, url: c.url, token: secret(c.tokenEnv), format: c.format, ocsf },
        ...(c.index ? { index: c.index } : {}),
        ...(c.source ? { source: c.source } : {}),
        ...(c.sourcetype ? { sourcetype: c.sourcetype } : {}),
        ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
      });
    case 'syslog':
      return new SyslogSink({
        ...{ name: c.name, host: c.host, port: c.port, transport: c.transport, format: c.format, ocsf },
        ...(c.caFile ? { ca: readFileSync(c.caFile, 'utf8') } : {}),
        ...(c.servername ? { servername: c.servername } : {}),
      });
  }
}
