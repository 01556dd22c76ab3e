import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Session } from '../api/api.types';
import { ApprovalCard } from '../approvals/ApprovalCard';
import { pendingForSession } from '../approvals/approvals-list';
import { useApp } from '../shell/AppContext';
import { sessionHref } from '../shell/routes';
import { ExportEvidenceButton } from './ExportEvidenceButton';
import { apiFrameSource } from './frame-source';
import { LiveControls } from './LiveControls';
import { ReplayView } from './ReplayView';
import { SessionHeader } from './SessionHeader';

/** The session as it is (live) or was (replay), loaded and kept current over the live socket. */
function useSession(id: string): { session: Session | null; error: string | null; reload: () => void } {
  const { api, live, liveStatus } = useApp();
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    void generation; // reload() asks again (after an action on the session, or a reconnect)
    const controller = new AbortController();
    api
      .getSession(id, controller.signal)
      .then((s) => {
        setSession(s);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [api, id, generation]);

  // Updates may have been missed while the socket was down.
  const wasOpen = useRef(liveStatus === 'open');
  useEffect(() => {
    if (liveStatus === 'open' && !wasOpen.current) setGeneration((g) => g + 1);
    wasOpen.current = liveStatus === 'open';
  }, [liveStatus]);

  useEffect(
    () =>
      live.onMessage((message) => {
        if ('session' in message && message.session.id === id) setSession(message.session);
      }),
    [live, id],
  );

  return { session, error, reload: useCallback(() => setGeneration((g) => g + 1), []) };
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
