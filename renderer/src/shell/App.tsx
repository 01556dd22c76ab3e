import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { Me } from '../api/api.types';
import { ApiClient, ApiError } from '../api/api-client';
import { LiveSocket, liveUrl } from '../api/live-socket';
import { SessionsView } from '../sessions/SessionsView';
import { ActivityBar } from './ActivityBar';
import { AppProvider, type Toast, useApp } from './AppContext';
import type { Route } from './routes';
import { SignIn } from './SignIn';
import { StatusBar } from './StatusBar';
import { useRoute } from './use-route';
import './shell.css';

// Views other than the sessions list load on first use, keeping the first paint small.
const SessionView = lazy(() => import('../replay/SessionView').then((m) => ({ default: m.SessionView })));
const ApprovalsView = lazy(() => import('../approvals/ApprovalsView').then((m) => ({ default: m.ApprovalsView })));
const WorkbenchView = lazy(() => import('../workbench/WorkbenchView').then((m) => ({ default: m.WorkbenchView })));
const AuditView = lazy(() => import('../audit/AuditView').then((m) => ({ default: m.AuditView })));

type Auth =
  | { kind: 'loading' }
  | { kind: 'signed-out'; login: string }
  | { kind: 'error'; message: string }
  | { kind: 'signed-in'; me: Me };

export function App() {
  const [auth, setAuth] = useState<Auth>({ kind: 'loading' });
  const api = useMemo(
    () =>
      new ApiClient({
        onUnauthorized: (error) => setAuth({ kind: 'signed-out', login: error.login ?? '/auth/login' }),
      }),
    [],
  );
  const live = useMemo(() => new LiveSocket(liveUrl(window.location)), []);

  useEffect(() => {
    api
      .me()
      .then((me) => setAuth({ kind: 'signed-in', me }))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.unauthorized) return; // onUnauthorized already switched
        setAuth({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      });
  }, [api]);

  switch (auth.kind) {
    case 'loading':
      return <div className="splash" aria-busy="true" />;
    case 'signed-out':
      return <SignIn login={auth.login} />;
    case 'error':
      return (
        <main className="sign-in">
          <div className="sign-in-card" role="alert">
            <h1>Cannot reach the gateway</h1>
            <p>{auth.message}</p>
            <button type="button" className="button" onClick={() => window.location.reload()}>
              Retry
            </button>
          </div>
        </main>
      );
    case 'signed-in':
      return (
        <AppProvider api={api} live={live} me={auth.me}>
          {(toasts) => <Shell toasts={toasts} />}
        </AppProvider>
      );
  }
}

function Shell({ toasts }: { toasts: Toast[] }) {
  const route = useRoute();
  const { me, liveStatus, pending } = useApp();
  return (
    <div className="shell">
      <ActivityBar view={route.view} pendingCount={pending.length} />
      <main className="editor-area">
        <Suspense fallback={<div className="view-loading">Loading…</div>}>
          <CurrentView route={route} />
        </Suspense>
      </main>
      <StatusBar me={me} liveStatus={liveStatus} pendingCount={pending.length} />
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast ${toast.tone}`}>
            {toast.text}
          </div>
        ))}
      </div>
    </div>
  );
}

function CurrentView({ route }: { route: Route }) {
  switch (route.view) {
    case 'sessions':
    case 'live':
      return <SessionsView key={route.view} liveOnly={route.view === 'live'} filters={route.filters} />;
    case 'session':
      return <SessionView key={route.id} id={route.id} frame={route.frame} />;
    case 'approvals':
      return <ApprovalsView tab={route.tab} />;
    case 'workbench':
      return <WorkbenchView connection={route.connection} />;
    case 'audit':
      return <AuditView filters={route.filters} />;
  }
}
