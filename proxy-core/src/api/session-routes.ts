import type { Protocol, SessionStatus } from '../store/store.types';
import type { ApiDeps } from './api.types';
import { DECIDE_ROLES, READ_ROLES } from './authenticate';
import { enumParam, HttpError, intParam, jsonObject, stringParam, timeParam } from './http-io';
import type { ApiRoute, RequestContext } from './router';
import { sessionView } from './session-view';

const STATUSES: readonly SessionStatus[] = ['live', 'ended', 'interrupted', 'failed'];
const PROTOCOLS: readonly Protocol[] = ['postgres', 'ssh', 'http'];
const MAX_NOTE_CHARS = 4000;

/** Sessions: list and search, one session, and the operator's actions on a live one. */
export function sessionRoutes(deps: ApiDeps): ApiRoute[] {
  const { store, hub } = deps;

  const found = (id: string) => {
    const session = store.getSession(id);
    if (!session) throw new HttpError(404, `no session ${id}`);
    return session;
  };

  /** The live session's handle; 409 when the session exists but has ended. */
  const live = (id: string) => {
    const handle = hub.liveSession(id);
    if (handle) return handle;
    found(id);
    throw new HttpError(409, `session ${id} is not live`);
  };

  return [
    {
      method: 'GET',
      path: '/api/sessions',
      roles: READ_ROLES,
      handle({ url }) {
        const page = store.listSessions({
          principal: stringParam(url, 'principal'),
          connection: stringParam(url, 'connection'),
          status: enumParam(url, 'status', STATUSES),
          protocol: enumParam(url, 'protocol', PROTOCOLS),
          q: stringParam(url, 'q'),
          since: timeParam(url, 'since'),
          until: timeParam(url, 'until'),
          limit: intParam(url, 'limit', 50, 1, 500),
          cursor: stringParam(url, 'cursor'),
        });
        return { sessions: page.sessions.map((s) => sessionView(s, hub)), nextCursor: page.nextCursor ?? null };
      },
    },
    {
      method: 'GET',
      path: '/api/sessions/:id',
      roles: READ_ROLES,
      handle: ({ params }) => sessionView(found(params.id ?? ''), hub),
    },
    {
      method: 'POST',
      path: '/api/sessions/:id/terminate',
      roles: DECIDE_ROLES,
      handle({ params, auth }) {
        const id = params.id ?? '';
        const handle = live(id);
        const by = auth.principal.sub;
        // Audited first: if the audit log cannot be written, the action does not happen.
        store.appendAudit({
          type: 'session.terminate',
          actor: by,
          sessionId: id,
          connection: handle.session.connection,
          data: {},
        });
        handle.session.annotate({ type: 'terminate', by });
        handle.terminate(by);
        return { ok: true };
      },
    },
    {
      method: 'POST',
      path: '/api/sessions/:id/notes',
      roles: DECIDE_ROLES,
      async handle(ctx: RequestContext) {
        const id = ctx.params.id ?? '';
        const text = jsonObject(await ctx.body()).text;
        if (typeof text !== 'string' || text.trim() === '') throw new HttpError(400, 'text must be a non-empty string');
        if (text.length > MAX_NOTE_CHARS) throw new HttpError(400, `a note is at most ${MAX_NOTE_CHARS} characters`);
        const handle = live(id);
        const author = ctx.auth.principal.sub;
        store.appendAudit({
          type: 'session.note',
          actor: author,
          sessionId: id,
          connection: handle.session.connection,
          data: { text },
        });
        const frame = handle.session.annotate({ type: 'note', author, text });
        return { ok: true, frame };
      },
    },
    {
      method: 'POST',
      path: '/api/sessions/:id/step-mode',
      roles: DECIDE_ROLES,
      async handle(ctx: RequestContext) {
        const id = ctx.params.id ?? '';
        const enabled = jsonObject(await ctx.body()).enabled;
        if (typeof enabled !== 'boolean') throw new HttpError(400, 'enabled must be true or false');
        const handle = live(id);
        const by = ctx.auth.principal.sub;
        store.appendAudit({
          type: 'session.step_mode',
          actor: by,
          sessionId: id,
          connection: handle.session.connection,
          data: { enabled },
        });
        handle.session.stepMode = enabled;
        handle.session.annotate({ type: 'step-mode', enabled, by });
        const row = store.getSession(id);
        if (row) hub.updated(row);
        return { ok: true, stepMode: enabled };
      },
    },
  ];
}
