import type { ApiDeps } from './api.types';
import type { AuditChainChecker } from './audit-chain-status';
import { READ_ROLES } from './authenticate';
import { intParam, stringParam, timeParam } from './http-io';
import type { ApiRoute } from './router';

/** The audit log, in seq order (page with `afterSeq`), with the verification status of the whole chain. */
export function auditRoutes(deps: ApiDeps, chain: AuditChainChecker): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/audit',
      roles: READ_ROLES,
      async handle({ url }) {
        const events = deps.store.listAudit({
          since: timeParam(url, 'since'),
          afterSeq: intParam(url, 'afterSeq', 0, 0, Number.MAX_SAFE_INTEGER),
          type: stringParam(url, 'type'),
          sessionId: stringParam(url, 'sessionId'),
          limit: intParam(url, 'limit', 100, 1, 1000),
        });
        return { events, chain: await chain.status() };
      },
    },
  ];
}
