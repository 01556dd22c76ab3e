/**
 * A classified SQL command as policy actions (issue 3 §2): one `statement` action per statement kind and table it
 * touches, one `function` action per function called, and an `unparsed` action for anything that cannot be read.
 * Splitting per table keeps table rules exact for allow and deny alike: `DELETE … USING customers` yields a
 * delete on the target and a select on customers, each judged on its own.
 */
import type { Action, SqlClassification } from './policy.types';

// Classifications from the cache are shared and read-only, so their actions can be shared too.
const memo = new WeakMap<SqlClassification, readonly Action[]>();

export function sqlActions(classification: SqlClassification): readonly Action[] {
  let actions = memo.get(classification);
  if (actions === undefined) {
    actions = Object.freeze(computeActions(classification));
    memo.set(classification, actions);
  }
  return actions;
}

function computeActions(classification: SqlClassification): Action[] {
  const actions: Action[] = [];
  const seen = new Set<string>();
  const push = (a: Action) => {
    const key = actionKey(a);
    if (seen.has(key)) return;
    seen.add(key);
    actions.push(a);
  };
  if (classification.error !== undefined)
    push({ type: 'unparsed', reason: `syntax error: ${classification.error.message}` });
  classification.statements.forEach((stmt, statementIndex) => {
    if (stmt.unparsed !== undefined) push({ type: 'unparsed', reason: stmt.unparsed, statementIndex });
    for (const part of stmt.parts) {
      if (part.kind === 'execute' && part.prepared !== undefined)
        // Only a PreparedStatements registry knows what the prepared statement does (see prepared-statements.ts).
        push({
          type: 'unparsed',
          reason: `EXECUTE ${part.prepared}: the prepared statement is not known`,
          statementIndex,
        });
      if (part.tables.length === 0) push({ type: 'statement', statement: part.kind, table: null, statementIndex });
      for (const table of part.tables) push({ type: 'statement', statement: part.kind, table, statementIndex });
      for (const call of part.calls)
        push({
          type: 'function',
          function: call.function,
          categories: call.categories,
          statement: part.kind,
          tables: part.tables,
          statementIndex,
        });
    }
    // A dangerous call in a body that runs later (function, view, rule) is judged now, where it is written.
    for (const part of stmt.deferred)
      for (const call of part.calls)
        if (call.categories.length > 0)
          push({
            type: 'function',
            function: call.function,
            categories: call.categories,
            statement: stmt.kind,
            tables: [],
            statementIndex,
          });
  });
  return actions;
}

function actionKey(a: Action): string {
  switch (a.type) {
    case 'statement':
      return `s\0${a.statementIndex}\0${a.statement}\0${a.table}`;
    case 'function':
      return `f\0${a.statementIndex}\0${a.statement}\0${a.function}\0${a.categories.join(',')}\0${a.tables.join('\0')}`;
    default:
      return JSON.stringify(a);
  }
}
