import { ApprovalError } from '../approvals/approval-broker';
import type { ApprovalRequest, ApprovalStatus } from '../store/store.types';
import type { ApiDeps } from './api.types';
import { DECIDE_ROLES } from './authenticate';
import { enumParam, HttpError, intParam, jsonObject, stringParam } from './http-io';
import type { ApiRoute } from './router';

const STATUS_FILTERS = ['pending', 'all', 'approved', 'denied', 'expired', 'cancelled'] as const;
const MAX_REASON_CHARS = 2000;

/** An approval request as the API shows it (`requestedAt` is the IDE's name for `createdAt`). */
export function approvalView(request: ApprovalRequest): ApprovalRequest & { requestedAt: string } {
  return { ...request, requestedAt: request.createdAt };
}

/** The approvals inbox and decisions; the broker (and the store's transition table) enforce who may decide. */
export function approvalRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/approvals',
      roles: DECIDE_ROLES,
      handle({ url }) {
        const status = enumParam(url, 'status', STATUS_FILTERS) ?? 'pending';
        const approvals = deps.store.listApprovals({
          ...(status === 'all' ? {} : { status: status as ApprovalStatus }),
          sessionId: stringParam(url, 'sessionId'),
          limit: intParam(url, 'limit', 100, 1, 1000),
        });
        return { approvals: approvals.map(approvalView) };
      },
    },
    {
      method: 'POST',
      path: '/api/approvals/:id/decision',
      roles: DECIDE_ROLES,
      async handle(ctx) {
        const body = jsonObject(await ctx.body());
        const { decision, reason = '' } = body;
        if (decision !== 'approve' && decision !== 'deny')
          throw new HttpError(400, 'decision must be "approve" or "deny"');
        if (typeof reason !== 'string') throw new HttpError(400, 'reason must be a string');
        if (reason.length > MAX_REASON_CHARS)
          throw new HttpError(400, `reason is at most ${MAX_REASON_CHARS} characters`);
        try {
          // The broker audits the vote with the approver as actor.
          return approvalView(deps.approvals.decide(ctx.params.id ?? '', ctx.auth.principal, decision, reason));
        } catch (err) {
          if (err instanceof ApprovalError) throw new HttpError(err.status, err.message);
          throw err;
        }
      },
    },
  ];
}
