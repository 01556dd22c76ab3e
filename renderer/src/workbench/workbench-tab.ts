import type { Connection } from '../api/api.types';

/** The workbench's tabs: SQL on postgres connections, a terminal on ssh connections. */
export type WorkbenchTab = 'sql' | 'terminal';

export const TAB_CONNECTION_TYPE: Record<WorkbenchTab, string> = { sql: 'postgres', terminal: 'ssh' };

/**
 * The tab to show: the one for the type of the connection the route names (so a link to an ssh connection opens
 * the terminal), else the one the user chose, else SQL.
 */
export function workbenchTab(
  routeConnection: string,
  connections: readonly Connection[],
  chosen: WorkbenchTab | null,
): WorkbenchTab {
  const type = connections.find((c) => c.name === routeConnection)?.type;
  if (type === TAB_CONNECTION_TYPE.terminal) return 'terminal';
  if (type === TAB_CONNECTION_TYPE.sql) return 'sql';
  return chosen ?? 'sql';
}

/** The connections a tab can use. */
export function connectionsFor(tab: WorkbenchTab, connections: readonly Connection[]): Connection[] {
  return connections.filter((c) => c.type === TAB_CONNECTION_TYPE[tab]);
}
