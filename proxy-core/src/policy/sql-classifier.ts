/**
 * SQL classification with the real PostgreSQL parser (libpg-query, issue 3 §1). `await initSqlClassifier()` once
 * (it loads the WASM); then `classifySql` is synchronous. The hot path of repeated statements goes through
 * {@link createClassificationCache}, a map lookup keyed by the SQL text.
 */

import { loadModule, parseSync } from 'libpg-query';
import type { FunctionCategory } from './function-categories';
import { numericShape } from './literal-shape';
import type { ClassifiedStatement, FunctionCall, SqlClassification, StatementPart } from './policy.types';
import { newSink, type PartBuilder, type StatementSink, sliceUtf8, walkTopStatement } from './sql-walker';

let ready = false;

export async function initSqlClassifier(): Promise<void> {
  await loadModule();
  ready = true;
}

interface RawStmt {
  stmt?: unknown;
  stmt_location?: number;
  stmt_len?: number;
}

/** Classifies every statement of `sql` (a simple Query may hold many). Never throws on any input. */
export function classifySql(sql: string): SqlClassification {
  if (!ready) throw new Error('classifySql: await initSqlClassifier() first');
  let stmts: RawStmt[];
  try {
    stmts = sql.trim() === '' ? [] : ((parseSync(sql).stmts ?? []) as RawStmt[]);
  } catch (e) {
    const details = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const message = e instanceof Error ? e.message : String(e);
    return {
      statements: [],
      unparsed: true,
      error: details?.cursorPosition === undefined ? { message } : { message, cursorPosition: details.cursorPosition },
    };
  }
  const statements: ClassifiedStatement[] = [];
  for (const raw of stmts) {
    const text = sliceUtf8(sql, raw.stmt_location ?? 0, raw.stmt_len ?? 0);
    const sink = newSink();
    try {
      walkTopStatement(raw.stmt, text, sink);
    } catch (e) {
      // A tree deeper than the JS stack, or a node shape this walker does not expect: unparsed, never a pass.
      sink.unparsed.push(`cannot analyze: ${e instanceof Error ? e.message : String(e)}`);
    }
    statements.push(finish(sink, text));
  }
  return { statements, unparsed: statements.some((s) => s.unparsed !== undefined) };
}

function finish(sink: StatementSink, text: string): ClassifiedStatement {
  const parts = sink.parts.filter(keep).map(toPart);
  const deferred = sink.deferred.filter(keep).map(toPart);
  const all = [...parts, ...deferred];
  const tables = unique(all.flatMap((p) => p.tables));
  const functions = unique(all.flatMap((p) => p.functions));
  const functionCategories = unique(all.flatMap((p) => p.functionCategories));
  return {
    kind: parts[0]?.kind ?? 'unknown',
    text,
    tables,
    functions,
    functionCategories,
    parts,
    deferred,
    notes: unique(sink.notes),
    ...(sink.unparsed.length > 0 ? { unparsed: unique(sink.unparsed).join('; ') } : {}),
    ...(sink.prepares !== undefined ? { prepares: sink.prepares } : {}),
    ...(sink.deallocates !== undefined ? { deallocates: sink.deallocates } : {}),
  };
}

function keep(p: PartBuilder): boolean {
  return !p.optional || p.tables.size > 0 || p.calls.size > 0;
}

function toPart(p: PartBuilder): StatementPart {
  const calls: FunctionCall[] = [...p.calls.values()];
  const functionCategories: FunctionCategory[] = unique(calls.flatMap((c) => c.categories));
  return {
    kind: p.kind,
    tables: [...p.tables],
    functions: unique(calls.map((c) => c.function)),
    functionCategories,
    calls,
    via: p.via,
    ...(p.prepared !== undefined ? { prepared: p.prepared } : {}),
  };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

export interface ClassificationCache {
  classify(sql: string): SqlClassification;
  readonly size: number;
  clear(): void;
}

/**
 * An LRU of classifications keyed by SQL text: agents repeat statements, and a hit is one Map lookup. Texts longer
 * than `maxSqlLength` are classified but not kept. Classifications are shared between callers: treat them as
 * read-only (their types say so).
 */
export function createClassificationCache(
  options: { maxEntries?: number; maxSqlLength?: number; classify?: (sql: string) => SqlClassification } = {},
): ClassificationCache {
  const maxEntries = options.maxEntries ?? 1000;
  const maxSqlLength = options.maxSqlLength ?? 16 * 1024;
  const classify = options.classify ?? classifySql;
  const entries = new Map<string, SqlClassification>();
  return {
    classify(sql) {
      // Statements that differ only in numeric literals share an entry (see literal-shape.ts): the
      // classification's statement texts are then those of the first one seen.
      const key = sql.length <= maxSqlLength ? (numericShape(sql) ?? sql) : sql;
      const hit = entries.get(key);
      if (hit !== undefined) {
        // Map keeps insertion order: re-inserting makes this the most recently used entry.
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const result = classify(sql);
      if (sql.length <= maxSqlLength) {
        entries.set(key, result);
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      }
      return result;
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
