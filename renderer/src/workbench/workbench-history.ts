export interface HistoryEntry {
  sql: string;
  connection: string;
  at: string;
  /** 'ok', the command tag, or the error code. */
  outcome: string;
}

export const HISTORY_LIMIT = 100;

/** Adds a run to the history (newest first); running the same text again moves it to the top. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const others = history.filter((h) => !(h.sql === entry.sql && h.connection === entry.connection));
  return [entry, ...others].slice(0, HISTORY_LIMIT);
}

const KEY = 'vigil.workbench.history';

export function loadHistory(storage: Pick<Storage, 'getItem'> | undefined): HistoryEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed.filter((e) => typeof e?.sql === 'string') as HistoryEntry[]) : [];
  } catch {
    return [];
  }
}

export function saveHistory(storage: Pick<Storage, 'setItem'> | undefined, history: readonly HistoryEntry[]): void {
  try {
    storage?.setItem(KEY, JSON.stringify(history));
  } catch {
    // Storage full or disabled (private mode): history is a convenience, the query already ran.
  }
}

/** The part of the editor text to run: the selection when there is one, else everything. */
export function sqlToRun(text: string, selection: string | null): string {
  const selected = selection?.trim();
  return selected ? selected : text.trim();
}
