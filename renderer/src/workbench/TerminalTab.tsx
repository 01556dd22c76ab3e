import { lazy, type ReactNode, Suspense } from 'react';
import type { Connection } from '../api/api.types';
import { routeHref } from '../shell/routes';
import { navigate } from '../shell/use-route';

// xterm.js loads only when a terminal opens.
const LiveTerminal = lazy(() => import('../terminal/LiveTerminal').then((m) => ({ default: m.LiveTerminal })));

/**
 * The workbench's Terminal tab: a shell on an ssh connection, through the gateway as the signed-in human (recorded
 * and policy-checked like an agent's session).
 */
export function TerminalTab({
  connection,
  sshConnections,
  tabs,
}: {
  connection: string;
  sshConnections: readonly Connection[];
  tabs: ReactNode;
}) {
  const selected = sshConnections.some((c) => c.name === connection) ? connection : (sshConnections[0]?.name ?? '');
  return (
    <section className="view workbench-terminal" aria-labelledby="workbench-title">
      <header className="view-header">
        <h1 id="workbench-title">Workbench</h1>
        {tabs}
        <select
          aria-label="SSH connection"
          value={selected}
          onChange={(event) => navigate(routeHref({ view: 'workbench', connection: event.target.value }))}
        >
          {!selected && <option value="">No ssh connection</option>}
          {sshConnections.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
        <span className="muted small">You connect as yourself: policy applies, the session is recorded</span>
      </header>
      {selected ? (
        <Suspense fallback={<div className="view-loading">Loading terminal…</div>}>
          <LiveTerminal key={selected} connection={selected} />
        </Suspense>
      ) : (
        <p className="empty">
          No ssh connection is configured on this gateway (connections with <code>type: ssh</code> in vigil.yaml).
        </p>
      )}
    </section>
  );
}
