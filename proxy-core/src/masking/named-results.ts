/**
 * Cursors and prepared statements declared in SQL: DECLARE / PREPARE record a query's lineage, and a later FETCH /
 * EXECUTE returns rows with that lineage. One instance per session. (Protocol-level Parse/Bind keep their own
 * statement-name map in the session and need none of this.)
 */
import { spread, unknownLineage } from './lineage/lineage';
import type { NamedResult, StatementLineage } from './lineage/statement';

export interface NamedResults {
  /** Call for each statement in order, before it runs; returns it with FETCH / EXECUTE outputs resolved. */
  apply(stmt: StatementLineage): StatementLineage;
}

function key(named: NamedResult): string {
  return `${named.kind}:${named.name}`;
}

export function createNamedResults(): NamedResults {
  const defined = new Map<string, StatementLineage>();
  return {
    apply(stmt) {
      if (stmt.defines) defined.set(key(stmt.defines), stmt);
      const closes = stmt.closes;
      if (closes) {
        for (const k of [...defined.keys()]) {
          const all = closes.kind === 'all' || (closes.name === undefined && k.startsWith(`${closes.kind}:`));
          if (all || k === `${closes.kind}:${closes.name}`) defined.delete(k);
        }
      }
      if (!stmt.uses) return stmt;
      const source = defined.get(key(stmt.uses));
      if (source) return { ...stmt, outputs: source.outputs };
      const reason = `${stmt.uses.kind} ${stmt.uses.name} was not declared through the gateway`;
      return { ...stmt, outputs: [spread(unknownLineage(reason))] };
    },
  };
}
