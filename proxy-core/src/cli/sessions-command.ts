import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../logger';
import { openSqliteStore } from '../store/sqlite-store';
import type { Session } from '../store/store.types';
import { type CliIo, UsageError } from './cli-io';
import { parse, resolveState, STATE_OPTIONS } from './state-options';

/** `vigil sessions [--json] [--principal P] [--connection C] [--status S] [--limit N]` */
export async function sessionsCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(
    args,
    {
      ...STATE_OPTIONS,
      json: { type: 'boolean' },
      principal: { type: 'string' },
      connection: { type: 'string' },
      status: { type: 'string' },
      q: { type: 'string' },
      limit: { type: 'string' },
    },
    false,
  );
  const { dataDir } = resolveState(values, io);
  const dbPath = join(dataDir, 'vigil.db');
  if (!existsSync(dbPath)) throw new UsageError(`no Vigil state in ${dataDir} (no vigil.db)`);
  const store = openSqliteStore({ path: dbPath, logger: silentLogger });
  try {
    const page = store.listSessions({
      limit: values.limit ? Number(values.limit) : 100,
      ...(values.principal ? { principal: values.principal } : {}),
      ...(values.connection ? { connection: values.connection } : {}),
      ...(values.status ? { status: values.status as Session['status'] } : {}),
      ...(values.q ? { q: values.q } : {}),
    });
    if (values.json) io.out(`${JSON.stringify(page.sessions, null, 2)}\n`);
    else io.out(formatTable(page.sessions));
    return 0;
  } finally {
    store.close();
  }
}

function formatTable(sessions: Session[]): string {
  if (sessions.length === 0) return 'no sessions\n';
  const rows = sessions.map((s) => [
    s.id,
    s.status,
    s.principal,
    s.connection,
    s.protocol,
    s.startedAt.replace('T', ' ').slice(0, 19),
    duration(s),
    String(s.commands),
    String(s.denials),
    `${human(s.bytesIn)}/${human(s.bytesOut)}`,
  ]);
  const head = [
    'ID',
    'STATUS',
    'PRINCIPAL',
    'CONNECTION',
    'PROTOCOL',
    'STARTED (UTC)',
    'DURATION',
    'CMDS',
    'DENIED',
    'IN/OUT',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

function duration(s: Session): string {
  const end = s.endedAt ? Date.parse(s.endedAt) : Date.now();
  const secs = Math.max(0, Math.round((end - Date.parse(s.startedAt)) / 1000));
  return secs < 60
    ? `${secs}s`
    : secs < 3600
      ? `${Math.floor(secs / 60)}m${secs % 60}s`
      : `${Math.floor(secs / 3600)}h${Math.floor((secs % 3600) / 60)}m`;
}

function human(n: number): string {
  return n < 1024 ? `${n}B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)}K` : `${(n / (1 << 20)).toFixed(1)}M`;
}
