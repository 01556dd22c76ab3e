import type { ApiDeps } from './api.types';
import { HUMAN_ROLES, READ_ROLES } from './authenticate';
import { HttpError } from './http-io';
import type { ApiRoute } from './router';

/** Who am I, the gateway's public key, the configured connections, and the evidence placeholder. */
export function infoRoutes(deps: ApiDeps, demo: () => boolean): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/me',
      roles: HUMAN_ROLES,
      handle({ auth }) {
        const { sub, name, groups, roles } = auth.principal;
        return {
          principal: { sub, ...(name === undefined ? {} : { name }), groups, roles },
          // Bearer callers need no CSRF token.
          csrf: auth.session?.csrf ?? '',
          demo: demo(),
        };
      },
    },
    {
      method: 'GET',
      path: '/api/keys',
      roles: READ_ROLES,
      handle: () => ({ fingerprint: deps.signingKey.fingerprint, publicKeyPem: deps.signingKey.publicKeyPem }),
    },
    {
      method: 'GET',
      path: '/api/connections',
      roles: READ_ROLES,
      handle: () =>
        deps.connections.map((c) => ({
          name: c.name,
          type: c.type,
          ...(c.description === undefined ? {} : { description: c.description }),
        })),
    },
    {
      method: 'POST',
      path: '/api/evidence',
      roles: READ_ROLES,
      handle() {
        // Replaced by the evidence packet builder through ApiServerOptions.routes / ApiServer.addRoute.
        throw new HttpError(501, 'evidence packets are not available yet');
      },
    },
  ];
}
