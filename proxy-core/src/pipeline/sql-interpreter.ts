import {
  type Action,
  type ClassificationCache,
  createPreparedStatements,
  type PreparedStatements,
  type SqlClassification,
  sqlActions,
} from '../policy';
import type { CommandToCheck } from './command-gate.types';
import type { CommandInterpreter, Interpretation } from './policy-gate';

const SCHEMA_CHANGES = /^(create|alter|drop|comment|rename|import_foreign_schema|refresh_materialized_view)/;

/** Statement kinds whose allowed executions live in the recording only; everything else is audited too. */
const READ_ONLY = new Set([
  'select',
  'show',
  'explain',
  'set',
  'reset',
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'release',
  'fetch',
  'move',
  'close_cursor',
  'declare_cursor',
  'discard',
  'deallocate',
  'prepare',
  'listen',
  'unlisten',
]);

/**
 * SQL as policy sees it: classified with the real PostgreSQL parser (cached), EXECUTE of a prepared
 * statement resolved to what it runs, calls to non-built-in functions flagged.
 */
export function createSqlInterpreter(deps: {
  classifier: ClassificationCache;
  builtinFunctions: ReadonlySet<string> | undefined;
  /** Allowed or approved DDL ran: catalogs derived from the schema must be read again. */
  onSchemaChange?: () => void;
  /** The session's prepared statements, which the protocol tells the server's answers (see prepared-statements). */
  prepared?: PreparedStatements;
}): CommandInterpreter {
  const prepared = deps.prepared ?? createPreparedStatements();
  const interpretations = new WeakMap<SqlClassification, Interpretation>();
  /** The interpretation of a Bind of an SQL-PREPAREd statement, by that PREPARE's (same actions, not a prepare). */
  const asRun = new WeakMap<Interpretation, Interpretation>();
  // The session holds everything behind a command under review, so the last one interpreted is the one that runs.
  let last: { frame: number; classification: SqlClassification } | undefined;
  return {
    interpret(command: CommandToCheck): Interpretation {
      if (command.via === 'function-call') {
        // A fast-path FunctionCall carries no SQL to classify: only a rule allowing unparsed input lets it run.
        return {
          actions: [{ type: 'unparsed', reason: command.text.replace(/^-- /, '') }],
          unparsed: true,
          readOnly: false,
          kinds: ['function_call'],
        };
      }
      // A Bind runs the statement registered under its name (a protocol Parse or an SQL PREPARE), whatever the text.
      const registered = command.via === 'bind' ? prepared.classifyPrepared(command.name ?? '') : undefined;
      const classification = registered ?? deps.classifier.classify(command.text);
      last = { frame: command.frame, classification };
      const resolved = prepared.resolve(classification);
      // One interpretation per classification: the gate's allow cache keys on its actions array, which must then be
      // the same for every repetition (flagUserFunctions would otherwise build a new one each time).
      let found = interpretations.get(resolved);
      if (!found) {
        found = {
          actions: flagUserFunctions(sqlActions(resolved), deps.builtinFunctions),
          unparsed: resolved.unparsed,
          empty: resolved.statements.length === 0 && !resolved.unparsed,
          readOnly: !resolved.unparsed && resolved.statements.every((s) => READ_ONLY.has(s.kind)),
          // SQL PREPARE runs nothing: each EXECUTE of it is judged as what it runs.
          preparesOnly:
            !resolved.unparsed &&
            resolved.statements.length > 0 &&
            resolved.statements.every((s) => s.prepares !== undefined),
          kinds: resolved.statements.map((s) => s.kind),
          statements: resolved.statements.map((s) => ({ kind: s.kind, tables: [...s.tables] })),
        };
        interpretations.set(resolved, found);
      }
      // A Bind runs what a PREPARE prepared: it is that statement's run, never a prepare itself.
      if (registered !== undefined && found.preparesOnly) {
        let run = asRun.get(found);
        if (!run) {
          run = { ...found, preparesOnly: false };
          asRun.set(found, run);
        }
        return run;
      }
      return found;
    },
    ran(command) {
      // An allowed or approved Parse or PREPARE defines what a later Bind or EXECUTE runs, once the server accepts it.
      if (last?.frame === command.frame && command.via === 'query') prepared.queried(last.classification);
      if (last?.frame === command.frame && command.via === 'parse')
        prepared.parsed(command.name ?? '', last.classification, command.text);
      // DDL changes what masking resolves column origins against: the catalog is read again.
      if (last?.frame === command.frame && last.classification.statements.some((s) => SCHEMA_CHANGES.test(s.kind)))
        deps.onSchemaChange?.();
      last = undefined;
    },
  };
}

/**
 * A call to a function that is not a PostgreSQL built-in runs a body the parser never saw
 * (`SELECT wipe()` may delete everything): it gets the `user_function` category, which only a rule
 * naming functions or categories can allow.
 */
export function flagUserFunctions(
  actions: readonly Action[],
  builtins: ReadonlySet<string> | undefined,
): readonly Action[] {
  if (!actions.some((a) => a.type === 'function' && a.categories.length === 0)) return actions;
  return actions.map((a) => {
    if (a.type !== 'function' || a.categories.length > 0) return a;
    const parts = a.function.toLowerCase().split('.');
    const name = parts.at(-1) ?? '';
    const schema = parts.length > 1 ? parts.at(-2) : undefined;
    const builtin = builtins?.has(name) === true && (schema === undefined || schema === 'pg_catalog');
    return builtin ? a : { ...a, categories: ['user_function'] };
  });
}
