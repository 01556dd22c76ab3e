import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Session } from '../api/api.types';
import { ApprovalCard } from '../approvals/ApprovalCard';
import { pendingForSession } from '../approvals/approvals-list';
import { laterView } from '../sessions/sessions-list';
import { useApp } from '../shell/AppContext';
import { sessionHref } from '../shell/routes';
import { useOnLiveReconnect } from '../shell/use-on-live-reconnect';
import { ExportEvidenceButton } from './ExportEvidenceButton';
import { apiFrameSource } from './frame-source';
import { LiveControls } from './LiveControls';
import { ReplayView } from './ReplayView';
import { SessionHeader } from './SessionHeader';

/** The later view of the session (an answer may arrive after the event that overtook it); none held yet: `next`. */
const later = (held: Session | null, next: Session): Session =>
  held && held.id === next.id ? laterView(held, next) : next;

/** The session as it is (live) or was (replay), loaded and kept current over the live socket. */
function useSession(id: string): { session: Session | null; error: string | null; reload: () => void } {
  const { api, live } = useApp();
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    void generation; // reload() asks again (after an action on the session, or a reconnect)
    const controller = new AbortController();
    api
      .getSession(id, controller.signal)
      .then((fetched) => {
        setSession((s) => later(s, fetched));
        setError(null);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [api, id, generation]);

  useEffect(
    () =>
      live.onMessage((message) => {
        if ('session' in message && message.session.id === id) setSession((s) => later(s, message.session));
      }),
    [live, id],
  );

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  // Updates may have been missed while the socket was down.
  useOnLiveReconnect(reload);
  return { session, error, reload };
}

/** A session on the gateway: replayed from its API, followed live while it runs, with its approval cards. */
export function SessionView({ id, frame }: { id: string; frame: number | null }) {
  const { session, error, reload } = useSession(id);
  const { api, live, pending } = useApp();
  const source = useMemo(() => apiFrameSource(api, id), [api, id]);
  const frameHref = useCallback((n: number | null) => sessionHref(id, n), [id]);

  if (error && !session) {
    return (
      <div className="view">
        <div className="banner error" role="alert">
          Cannot open session {id}: {error}
        </div>
      </div>
    );
  }
  if (!session) return <div className="view-loading">Loading session…</div>;

  const held = pendingForSession(pending, id);
  const approvalCards =
    held.length > 0 ? (
      <section className="held" aria-label="Pending approvals for this session">
        {held.map((approval) => (
          <ApprovalCard key={approval.id} approval={approval} />
        ))}
      </section>
    ) : null;

  return (
    <ReplayView
      session={session}
      source={source}
      live={live}
      frame={frame}
      frameHref={frameHref}
      header={
        <SessionHeader
          session={session}
          actions={
            <>
              {session.status === 'live' && <LiveControls session={session} onChanged={reload} />}
              <ExportEvidenceButton session={session} />
            </>
          }
        />
      }
      footer={approvalCards}
    />
  );
}
