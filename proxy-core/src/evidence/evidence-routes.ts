import { READ_ROLES } from '../api/authenticate';
import { BASE_HEADERS, HttpError, jsonObject } from '../api/http-io';
import type { ApiRoute } from '../api/router';
import type { Logger } from '../logger';
import type { SigningKey } from '../recording/signing-key';
import type { Store } from '../store/store.types';
import {
  buildEvidencePacket,
  EvidenceError,
  type EvidenceErrorCode,
  MAX_PACKET_SESSIONS,
} from './build-evidence-packet';
import { vigilVersion } from './tool-version';

export interface EvidenceRouteDeps {
  store: Store;
  signingKey: SigningKey;
  logger: Logger;
  toolVersion?: string;
}

const STATUS: Record<EvidenceErrorCode, number> = { invalid: 400, not_found: 404, live: 409, damaged: 409 };

/**
 * `POST /api/evidence` `{ "sessions": [ids] }` → the packet as a streamed zip download (DESIGN.md, Control API).
 * Sessions are checked (exist, ended, recording verifies) before the response starts, so those errors are
 * JSON with a status; a failure while streaming cuts the download (the zip is then unreadable, never wrong).
 */
export function evidenceRoutes(deps: EvidenceRouteDeps): ApiRoute[] {
  return [
    {
      method: 'POST',
      path: '/api/evidence',
      roles: READ_ROLES,
      async handle({ body, res, auth }) {
        const sessions = jsonObject(await body()).sessions;
        if (
          !Array.isArray(sessions) ||
          sessions.length === 0 ||
          !sessions.every((s) => typeof s === 'string' && s !== '')
        ) {
          throw new HttpError(400, 'sessions must be a non-empty array of session ids');
        }
        if (sessions.length > MAX_PACKET_SESSIONS)
          throw new HttpError(400, `at most ${MAX_PACKET_SESSIONS} sessions per packet`);
        const { principal } = auth;
        try {
          await buildEvidencePacket({
            store: deps.store,
            sessionIds: sessions as string[],
            signingKey: deps.signingKey,
            creator: {
              principal: principal.sub,
              ...(principal.name ? { name: principal.name } : {}),
              ...(principal.email ? { email: principal.email } : {}),
              via: 'api',
            },
            toolVersion: deps.toolVersion ?? vigilVersion(),
            out: res,
            logger: deps.logger,
            onStart: ({ packetId }) =>
              res.writeHead(200, {
                ...BASE_HEADERS,
                'content-type': 'application/zip',
                'content-disposition': `attachment; filename="vigil-evidence-${packetId}.zip"`,
                'cache-control': 'no-store',
                'x-vigil-packet-id': packetId,
              }),
          });
        } catch (err) {
          if (err instanceof EvidenceError) throw new HttpError(STATUS[err.code], err.message);
          throw err;
        }
      },
    },
  ];
}
