import { createHash } from 'node:crypto';
import type { ApiDeps } from './api.types';
import { ADMIN_ROLES, type Authenticated } from './authenticate';
import { HttpError, jsonObject } from './http-io';
import type { ApiRoute } from './router';
import type { Workbench, WorkbenchOwner } from './workbench';

/** How much of the SQL goes into the audit event (the full text is in the session's recording). */
const AUDIT_SQL_CHARS = 4096;
const DEV_TOKEN_TTL_SEC = 3600;

/** `POST /api/workbench/query`: an admin's SQL, run through the gateway as that admin. */
export function workbenchRoutes(deps: ApiDeps, workbench: Workbench): ApiRoute[] {
  return [
    {
      method: 'POST',
      path: '/api/workbench/query',
      roles: ADMIN_ROLES,
      async handle(ctx) {
        const body = jsonObject(await ctx.body());
        const { connection, sql } = body;
        if (typeof connection !== 'string' || connection === '') throw new HttpError(400, 'connection is required');
        if (typeof sql !== 'string' || sql.trim() === '') throw new HttpError(400, 'sql must be a non-empty string');
        const target = deps.connections.find((c) => c.name === connection);
        if (!target) throw new HttpError(404, `no connection ${connection}`);
        if (target.type !== 'postgres')
          throw new HttpError(400, `connection ${connection} is ${target.type}, not postgres`);
        deps.store.appendAudit({
          type: 'workbench.query',
          actor: ctx.auth.principal.sub,
          connection,
          data: { sql: sql.slice(0, AUDIT_SQL_CHARS), truncated: sql.length > AUDIT_SQL_CHARS },
        });
        return workbench.run(ownerOf(ctx.auth, deps), connection, sql);
      },
    },
  ];
}

/** Who the workbench connects as: the IDE session's token (or a minted development token), or the Bearer token. */
export function ownerOf(auth: Authenticated, deps: ApiDeps): WorkbenchOwner {
  const { principal } = auth;
  if (auth.via === 'bearer' && auth.token) {
    const token = auth.token;
    return {
      key: `bearer:${createHash('sha256').update(token).digest('hex')}`,
      principal,
      password: async () => token,
    };
  }
  const session = auth.session;
  if (!session) throw new HttpError(401, 'sign in required');
  const credential = session.credential;
  if (credential.kind === 'token') return { key: session.id, principal, password: async () => credential.token };
  const issuer = deps.devIssuer;
  if (!issuer) throw new HttpError(500, 'development sign-in without a development issuer');
  return {
    key: session.id,
    principal,
    password: () =>
      issuer.mint({
        sub: principal.sub,
        groups: principal.groups,
        ttlSec: DEV_TOKEN_TTL_SEC,
        ...(principal.name === undefined ? {} : { extra: { name: principal.name } }),
      }),
  };
}
