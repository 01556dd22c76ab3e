import type { z } from 'zod';
import type { configSchema } from '../config/config';

/**
 * The demo's configuration, as a user would write it in vigil.yaml: the development issuer, one
 * connection `demo` to the embedded database, and a policy that allows reads, holds writes for an
 * approver, denies DDL and anything unparsable, and masks the customers' PII.
 */
export function demoConfig(opts: {
  dataDir: string;
  api: string;
  postgres: string;
  upstreamPort: number;
  tls?: { cert: string; key: string };
}): z.input<typeof configSchema> {
  return {
    listen: { api: opts.api, postgres: opts.postgres },
    dataDir: opts.dataDir,
    auth: {
      issuer: 'dev',
      audience: 'vigil',
      groupsClaim: 'groups',
      roles: {
        admin: ['vigil-admins'],
        approver: ['dba', 'vigil-admins'],
        auditor: ['security', 'vigil-admins'],
        agent: ['ai-agents'],
      },
    },
    ...(opts.tls ? { tls: opts.tls } : {}),
    connections: [
      {
        name: 'demo',
        type: 'postgres',
        description: 'Embedded demo shop (PGlite) with synthetic PII',
        upstream: {
          host: '127.0.0.1',
          port: opts.upstreamPort,
          database: 'postgres',
          user: 'postgres',
          tls: 'disable',
        },
        policy: 'demo',
      },
    ],
    policies: [
      {
        name: 'demo',
        rules: [
          {
            match: {
              statements: [
                'select',
                'show',
                'explain',
                'set',
                'reset',
                'begin',
                'commit',
                'rollback',
                'savepoint',
                'release',
                'declare_cursor',
                'fetch',
                'close_cursor',
                'prepare',
                'execute',
                'deallocate',
                'discard',
                'copy_to',
              ],
            },
            action: 'allow',
          },
          {
            match: { statements: ['insert', 'update', 'delete', 'merge', 'copy_from'] },
            action: 'review',
            approvers: { groups: ['dba', 'vigil-admins'], count: 1 },
            timeout: '10m',
          },
          {
            match: {
              statements: [
                'drop',
                'truncate',
                'alter',
                'create',
                'grant',
                'revoke',
                'create_role',
                'alter_role',
                'drop_role',
                'alter_system',
              ],
            },
            action: 'deny',
          },
          {
            match: { categories: ['user_function'] },
            action: 'review',
            approvers: { groups: ['dba', 'vigil-admins'], count: 1 },
            timeout: '10m',
          },
          { match: { unparsed: true }, action: 'deny' },
        ],
        masking: {
          columns: [
            'customers.email',
            'customers.phone',
            'customers.card_number',
            'customers.ssn',
            'customers.iban',
            'payments.card_number',
          ],
          detectors: ['email', 'credit_card', 'us_ssn', 'iban', 'phone', 'aws_access_key', 'jwt', 'private_key'],
          style: 'partial',
        },
      },
    ],
  };
}
