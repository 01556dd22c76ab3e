import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { Approval, Me } from '../api/api.types';
import type { ApiClient } from '../api/api-client';
import type { LiveSocket, LiveStatus } from '../api/live-socket';
import { pendingOnly, upsertApproval } from '../approvals/approvals-list';

export type Tone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  text: string;
  tone: Tone;
}

export interface AppServices {
  api: ApiClient;
  live: LiveSocket;
  me: Me;
  liveStatus: LiveStatus;
  /** Pending approvals across sessions, kept current by the live socket. */
  pending: Approval[];
  /** Records a decided/changed approval right away (before the socket echoes it). */
  putApproval: (approval: Approval) => void;
  toast: (text: string, tone?: Tone) => void;
}

const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp() outside <AppProvider>');
  return services;
}

interface AppProviderProps {
  api: ApiClient;
  live: LiveSocket;
  me: Me;
  children: (toasts: Toast[]) => ReactNode;
}

export function AppProvider({ api, live, me, children }: AppProviderProps) {
  const [liveStatus, setLiveStatus] = useState<LiveStatus>(live.status);
  const [approvals, setApprovals] = useState<Approval[]>([]);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextToast = useRef(1);

  const toast = useCallback((text: string, tone: Tone = 'info') => {
    const id = nextToast.current++;
    setToasts((list) => [...list.slice(-3), { id, text, tone }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), tone === 'error' ? 8000 : 4000);
  }, []);

  const putApproval = useCallback((approval: Approval) => setApprovals((list) => upsertApproval(list, approval)), []);

  useEffect(() => {
    // The pending list is asked for again after each reconnect (events may have been missed while disconnected);
    // events that arrive while an answer is on its way are applied again to it, as the answer may predate them.
    let request: AbortController | null = null;
    let sinceAsked: Approval[] = [];
    const refresh = () => {
      request?.abort();
      const controller = new AbortController();
      request = controller;
      sinceAsked = [];
      api
        .listApprovals('pending', controller.signal)
        .then((list) => {
          const missed = sinceAsked;
          setApprovals(() => missed.reduce(upsertApproval, list.reduce(upsertApproval, [] as Approval[])));
        })
        .catch(() => {
          // Roles without access to approvals (auditor) get 403: the inbox stays empty.
        })
        .finally(() => {
          if (request === controller) request = null;
        });
    };
    refresh();
    const offStatus = live.onStatus((status) => {
      setLiveStatus(status);
      if (status === 'open') refresh();
    });
    const offMessage = live.onMessage((message) => {
      if (message.type !== 'approval.requested' && message.type !== 'approval.decided') return;
      if (request) sinceAsked.push(message.approval);
      putApproval(message.approval);
    });
    live.start();
    return () => {
      request?.abort();
      offStatus();
      offMessage();
      live.stop();
    };
  }, [api, live, putApproval]);

  const pending = useMemo(() => pendingOnly(approvals), [approvals]);
  const services = useMemo(
    () => ({ api, live, me, liveStatus, pending, putApproval, toast }),
    [api, live, me, liveStatus, pending, putApproval, toast],
  );
  return <AppContext.Provider value={services}>{children(toasts)}</AppContext.Provider>;
}
