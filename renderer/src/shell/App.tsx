import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { Me } from '../api/api.types';
import { ApiClient, ApiError } from '../api/api-client';
import { LiveSocket, liveUrl } from '../api/live-socket';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { PacketProvider } from '../packet/PacketContext';
import { usePacketDrop } from '../packet/use-packet-drop';
import { SessionsView } from '../sessions/SessionsView';
import { ActivityBar } from './ActivityBar';
import { AppProvider, type Toast, useApp } from './AppContext';
import { isOfflineRoute, type Route, routeHref } from './routes';
import { SignIn, signInHref } from './SignIn';
import { StatusBar } from './StatusBar';
import { useRoute } from './use-route';
import './shell.css';

// Views other than the sessions list load on first use, keeping the first paint small.
const SessionView = lazy(() => import('../replay/SessionView').then((m) => ({ default: m.SessionView })));
const ApprovalsView = lazy(() => import('../approvals/ApprovalsView').then((m) => ({ default: m.ApprovalsView })));
const WorkbenchView = lazy(() => import('../workbench/WorkbenchView').then((m) => ({ default: m.WorkbenchView })));
const AuditView = lazy(() => import('../audit/AuditView').then((m) => ({ default: m.AuditView })));
const PacketView = lazy(() => import('../packet/PacketView').then((m) => ({ default: m.PacketView })));
const PacketSessionView = lazy(() =>
  import('../packet/PacketSessionView').then((m) => ({ default: m.PacketSessionView })),
);

type Auth =
  | { kind: 'loading' }
  | { kind: 'signed-out'; login: string }
  | { kind: 'error'; message: string }
  | { kind: 'signed-in'; me: Me };

export function App() {
  return (
    <PacketProvider>
      <Gate />
    </PacketProvider>
  );
}

/**
 * Signed in: the IDE. Otherwise the sign-in screen, except for the evidence packet views, which need no
 * gateway at all (an auditor may open the IDE from a copy of renderer/dist with no server behind it).
 */
function Gate() {
  const route = useRoute();
  const [auth, setAuth] = useState<Auth>({ kind: 'loading' });
  const api = useMemo(
    () =>
      new ApiClient({
        onUnauthorized: (error) => setAuth({ kind: 'signed-out', login: error.login ?? '/auth/login' }),
      }),
    [],
  );
  const live = useMemo(() => new LiveSocket(liveUrl(window.location)), []);
  usePacketDrop();

  useEffect(() => {
    api
      .me()
      .then((me) => setAuth({ kind: 'signed-in', me }))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.unauthorized) return; // onUnauthorized already switched
        setAuth({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      });
  }, [api]);

  if (auth.kind !== 'signed-in' && isOfflineRoute(route)) {
    return <OfflineShell route={route} login={auth.kind === 'signed-out' ? auth.login : null} />;
  }
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
            <a className="sign-in-packet" href="#/packet">
              Open an evidence packet…
            </a>
            <p className="small">Packets are verified and replayed in this browser, without the gateway.</p>
          </div>
        </main>
      );
    case 'signed-in':
      return (
        <AppProvider api={api} live={live} me={auth.me}>
          {(toasts) => <Shell route={route} toasts={toasts} />}
        </AppProvider>
      );
  }
}

function Shell({ route, toasts }: { route: Route; toasts: Toast[] }) {
  const { me, liveStatus, pending, toast } = useApp();
  return (
    <div className="shell">
      <ActivityBar view={route.view} pendingCount={pending.length} />
      <main className="editor-area">
        <ErrorBoundary
          what="This view"
          resetKey={routeKey(route)}
          onError={(error) => toast(`The view failed: ${error.message}`, 'error')}
        >
          <Suspense fallback={<div className="view-loading">Loading…</div>}>
            <CurrentView route={route} />
          </Suspense>
        </ErrorBoundary>
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

/** The packet views, without a gateway: no live socket, no API, nothing sent anywhere. */
function OfflineShell({ route, login }: { route: Route; login: string | null }) {
  return (
    <div className="shell">
      <ActivityBar view={route.view} pendingCount={0} offline />
      <main className="editor-area">
        <ErrorBoundary what="This view" resetKey={routeKey(route)}>
          <Suspense fallback={<div className="view-loading">Loading…</div>}>
            <CurrentView route={route} />
          </Suspense>
        </ErrorBoundary>
      </main>
      <footer className="status-bar">
        <span className="status-item">Offline: packets are verified and replayed in this browser</span>
        <span className="spacer" />
        {login && (
          <a className="status-item" href={signInHref(login, '#/sessions')}>
            Sign in to the gateway
          </a>
        )}
      </footer>
    </div>
  );
}

/** A view's identity for the error boundary: another view (or session) starts afresh; a frame change does not. */
function routeKey(route: Route): string {
  if (route.view === 'session' || route.view === 'packet-session') return `${route.view}:${route.id}`;
  return route.view === 'sessions' || route.view === 'live' || route.view === 'audit' ? route.view : routeHref(route);
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
    case 'packet':
      return <PacketView />;
    case 'packet-session':
      return <PacketSessionView key={route.id} id={route.id} frame={route.frame} />;
  }
}
