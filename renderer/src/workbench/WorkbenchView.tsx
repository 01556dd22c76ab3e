import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Connection, WorkbenchResult } from '../api/api.types';
import { type CellMask, ResultGrid } from '../components/ResultGrid';
import { formatCount, formatDateTime } from '../lib/format';
import { SqlEditor, type SqlEditorHandle } from '../monaco/SqlEditor';
import { useApp } from '../shell/AppContext';
import { routeHref, sessionHref } from '../shell/routes';
import { useConnections } from '../shell/use-connections';
import { navigate } from '../shell/use-route';
import { TerminalTab } from './TerminalTab';
import { addToHistory, type HistoryEntry, loadHistory, saveHistory, sqlToRun } from './workbench-history';
import { connectionsFor, type WorkbenchTab, workbenchTab } from './workbench-tab';
import './workbench.css';

const storage = typeof localStorage === 'undefined' ? undefined : localStorage;

/** Masked cells: those the server lists, and every value of a column it reports as masked. */
function maskMap(result: WorkbenchResult): Map<string, CellMask> {
  const masks = new Map<string, CellMask>();
  for (const m of result.masks) masks.set(`${m.row}:${m.column}`, { rule: m.rule });
  result.columns.forEach((column, c) => {
    if (!column.masked) return;
    const rule = result.masks.find((m) => m.column === c)?.rule ?? 'column policy';
    result.rows.forEach((row, r) => {
      if (row[c] !== null && !masks.has(`${r}:${c}`)) masks.set(`${r}:${c}`, { rule });
    });
  });
  return masks;
}

/**
 * The signed-in human's own access, through the gateway: SQL on postgres connections, a terminal on ssh ones;
 * policy-checked, masked and recorded exactly like an agent's.
 */
export function WorkbenchView({ connection }: { connection: string }) {
  const connections = useConnections();
  const [chosen, setChosen] = useState<WorkbenchTab | null>(null);
  const tab = workbenchTab(connection, connections, chosen);
  const select = (next: WorkbenchTab) => {
    setChosen(next);
    if (next !== tab)
      navigate(routeHref({ view: 'workbench', connection: connectionsFor(next, connections)[0]?.name ?? '' }));
  };
  const tabs = (
    <div className="tabs workbench-tabs" role="tablist" aria-label="Workbench">
      {(['sql', 'terminal'] as const).map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          aria-selected={tab === t}
          className={tab === t ? 'tab active' : 'tab'}
          onClick={() => select(t)}
        >
          {t === 'sql' ? 'SQL' : 'Terminal'}
        </button>
      ))}
    </div>
  );
  return tab === 'terminal' ? (
    <TerminalTab connection={connection} sshConnections={connectionsFor('terminal', connections)} tabs={tabs} />
  ) : (
    <SqlWorkbench connection={connection} connections={connections} tabs={tabs} />
  );
}

/** SQL as the signed-in human, through the gateway's PostgreSQL listener. */
function SqlWorkbench({
  connection,
  connections,
  tabs,
}: {
  connection: string;
  connections: readonly Connection[];
  tabs: ReactNode;
}) {
  const { api } = useApp();
  const sqlConnections = connectionsFor('sql', connections);
  const selected = connection || sqlConnections[0]?.name || '';
  const editor = useRef<SqlEditorHandle>(null);
  const [history, setHistory] = useState<HistoryEntry[]>(() => loadHistory(storage));
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<WorkbenchResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [draft] = useState(() => history[0]?.sql ?? 'select * from customers limit 50;');

  useEffect(() => saveHistory(storage, history), [history]);

  const run = useCallback(async () => {
    const content = editor.current?.read();
    const sql = content ? sqlToRun(content.text, content.selection) : '';
    if (!sql || !selected || running) return;
    setRunning(true);
    setFailure(null);
    try {
      const answer = await api.runQuery(selected, sql);
      setResult(answer);
      const outcome = answer.error ? answer.error.code : (answer.command ?? 'ok');
      setHistory((h) => addToHistory(h, { sql, connection: selected, at: new Date().toISOString(), outcome }));
    } catch (e) {
      setResult(null);
      setFailure(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  }, [api, selected, running]);

  const masks = useMemo(() => (result ? maskMap(result) : new Map<string, CellMask>()), [result]);

  return (
    <section className="view workbench-view" aria-labelledby="workbench-title">
      <aside className="side-panel" aria-label="History">
        <div className="side-title">History</div>
        <ul className="history-list">
          {history.length === 0 && <li className="muted empty-small">Queries you run appear here.</li>}
          {history.map((entry) => (
            <li key={`${entry.connection}:${entry.sql}`}>
              <button
                type="button"
                className="history-item"
                title={`${entry.connection} · ${formatDateTime(entry.at)} · ${entry.outcome}`}
                onClick={() => editor.current?.setText(entry.sql)}
              >
                <span className="mono">{entry.sql}</span>
                <span className="muted small">
                  {entry.connection} · {entry.outcome}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <div className="workbench-main">
        <header className="view-header">
          <h1 id="workbench-title">Workbench</h1>
          {tabs}
          <select
            aria-label="Connection"
            value={selected}
            onChange={(event) => navigate(routeHref({ view: 'workbench', connection: event.target.value }))}
          >
            {!selected && <option value="">No connection</option>}
            {selected && !sqlConnections.some((c) => c.name === selected) && (
              <option value={selected}>{selected}</option>
            )}
            {sqlConnections.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="button" className="button primary" disabled={running || !selected} onClick={run}>
            {running ? 'Running…' : 'Run'}
          </button>
          <span className="muted small">Ctrl/⌘ + Enter runs the selection, or everything</span>
        </header>
        <div className="editor-pane">
          <SqlEditor ref={editor} initial={draft} onRun={run} />
        </div>
        <div className="results-pane" aria-live="polite">
          {failure && (
            <div className="banner error" role="alert">
              {failure}
            </div>
          )}
          {result && <WorkbenchResultView result={result} masks={masks} />}
          {!result && !failure && <p className="muted empty-small">Run a query to see its result here.</p>}
        </div>
      </div>
    </section>
  );
}

function WorkbenchResultView({ result, masks }: { result: WorkbenchResult; masks: Map<string, CellMask> }) {
  return (
    <>
      <div className="result-summary">
        {result.error ? (
          <span className="pg-error" role="alert">
            <strong>{result.error.code}</strong> {result.error.message}
          </span>
        ) : (
          <span>
            {result.command ?? 'OK'} · {formatCount(result.rows.length)} rows
            {masks.size > 0 && <span className="masked-count"> · {formatCount(masks.size)} masked cells</span>}
          </span>
        )}
        <span className="spacer" />
        <a href={sessionHref(result.sessionId)} className="muted">
          Recorded as session {result.sessionId}
        </a>
      </div>
      {result.columns.length > 0 && (
        <ResultGrid columns={result.columns} rows={result.rows} masks={masks} label="Query result" visibleRows={200} />
      )}
    </>
  );
}
