/**
 * What a session's prepared statements do, so that `EXECUTE name` is judged as the statement it runs (issue 3 §2:
 * a decision applies when the statement would execute, however it gets there). SQL PREPARE and protocol Parse
 * share one namespace in PostgreSQL, and so they do here. Without this registry an EXECUTE classifies as an
 * `unparsed` action, denied unless a rule allows unparsed input.
 */
import type { ClassifiedStatement, SqlClassification, StatementPart } from './policy.types';

export interface PreparedStatements {
  /** A protocol Parse (`''` is the unnamed statement) or an SQL PREPARE that the server accepted. */
  set(name: string, classification: SqlClassification): void;
  /** A protocol Close of a statement. */
  delete(name: string): void;
  /** After a simple Query ran: its PREPAREs are remembered, DEALLOCATE [ALL] and DISCARD ALL forget. */
  record(classification: SqlClassification): void;
  classifyPrepared(name: string): SqlClassification | undefined;
  /** `classification` with each EXECUTE of a known statement replaced by what that statement does. */
  resolve(classification: SqlClassification): SqlClassification;
  readonly size: number;
}

export function createPreparedStatements(options: { maxEntries?: number } = {}): PreparedStatements {
  const maxEntries = options.maxEntries ?? 10_000;
  const byName = new Map<string, SqlClassification>();
  const registry: PreparedStatements = {
    set(name, classification) {
      byName.delete(name);
      byName.set(name, classification);
      if (byName.size > maxEntries) byName.delete(byName.keys().next().value as string);
    },
    delete(name) {
      byName.delete(name);
    },
    record(classification) {
      for (const stmt of classification.statements) {
        if (stmt.prepares !== undefined)
          registry.set(stmt.prepares, { statements: [stmt], unparsed: stmt.unparsed !== undefined });
        if (stmt.deallocates === null) byName.clear();
        else if (stmt.deallocates !== undefined) byName.delete(stmt.deallocates);
      }
    },
    classifyPrepared: (name) => byName.get(name),
    resolve(classification) {
      if (
        !classification.statements.some((s) => s.parts.some((p) => p.prepared !== undefined && byName.has(p.prepared)))
      )
        return classification;
      const statements = classification.statements.map((s) => resolveStatement(s, byName));
      return {
        ...classification,
        statements,
        unparsed: classification.unparsed || statements.some((s) => s.unparsed !== undefined),
      };
    },
    get size() {
      return byName.size;
    },
  };
  return registry;
}

function resolveStatement(
  stmt: ClassifiedStatement,
  byName: ReadonlyMap<string, SqlClassification>,
): ClassifiedStatement {
  const parts: StatementPart[] = [];
  const unparsed: string[] = stmt.unparsed === undefined ? [] : [stmt.unparsed];
  for (const part of stmt.parts) {
    const prepared = part.prepared === undefined ? undefined : byName.get(part.prepared);
    if (prepared === undefined) {
      parts.push(part);
      continue;
    }
    const via = `execute ${part.prepared}`;
    for (const inner of prepared.statements) {
      parts.push(...inner.parts.map((p) => ({ ...p, via })));
      if (inner.unparsed !== undefined) unparsed.push(inner.unparsed);
    }
    // Functions in EXECUTE's parameters run too: keep them, under the kind of what is executed.
    if (part.calls.length > 0)
      parts.push({
        ...part,
        kind: prepared.statements[0]?.kind ?? 'unknown',
        via: `${via} parameters`,
        prepared: undefined,
      });
  }
  const kind = stmt.kind === 'execute' ? (parts[0]?.kind ?? stmt.kind) : stmt.kind;
  const all = [...parts, ...stmt.deferred];
  return {
    ...stmt,
    kind,
    parts,
    tables: [...new Set(all.flatMap((p) => p.tables))],
    functions: [...new Set(all.flatMap((p) => p.functions))],
    functionCategories: [...new Set(all.flatMap((p) => p.functionCategories))],
    ...(unparsed.length > 0 ? { unparsed: unparsed.join('; ') } : {}),
  };
}
