/**
 * Walks a libpg-query parse tree — the whole tree: CTEs, subqueries, expressions anywhere, nested and dynamic
 * SQL — and records what a statement does as parts (issue 3 §1). Words in strings, comments, dollar quotes and
 * identifiers never reach this code as anything but values of the tree, so they can never trigger a kind.
 */
import { createFunction, createTrigger, doStmt, ruleStmt, viewStmt } from './body-handlers';
import {
  callStmt,
  copyStmt,
  createTableAs,
  deallocateStmt,
  discardStmt,
  dmlStatement,
  dropStmt,
  executeStmt,
  explainStmt,
  objectStatement,
  prepareStmt,
  selectStmt,
  variableSet,
} from './statement-handlers';
import {
  type Ctx,
  type Handler,
  NO_CTES,
  type Obj,
  open,
  type StatementSink,
  walkFields,
  walkValue,
} from './walk-core';

export type { PartBuilder, StatementSink } from './walk-core';
export { sliceUtf8 } from './walk-core';

const HANDLERS: Readonly<Record<string, Handler>> = {
  SelectStmt: selectStmt,
  InsertStmt: dmlStatement('insert'),
  UpdateStmt: dmlStatement('update'),
  DeleteStmt: dmlStatement('delete'),
  MergeStmt: dmlStatement('merge'),
  ExplainStmt: explainStmt,
  PrepareStmt: prepareStmt,
  ExecuteStmt: executeStmt,
  CreateTableAsStmt: createTableAs,
  CopyStmt: copyStmt,
  VariableSetStmt: variableSet,
  DropStmt: dropStmt,
  CommentStmt: objectStatement('CommentStmt', 'object'),
  SecLabelStmt: objectStatement('SecLabelStmt', 'object'),
  ViewStmt: viewStmt,
  RuleStmt: ruleStmt,
  CreateTrigStmt: createTrigger('CreateTrigStmt'),
  CreateEventTrigStmt: createTrigger('CreateEventTrigStmt'),
  CreateFunctionStmt: createFunction,
  DoStmt: doStmt,
  CallStmt: callStmt,
  DeallocateStmt: deallocateStmt,
  // A clause of ALTER TABLE, not a statement of its own.
  ReplicaIdentityStmt: (p, ctx) => walkFields(p, ctx),
  DiscardStmt: discardStmt,
};

export function newSink(): StatementSink {
  return { parts: [], deferred: [], notes: [], unparsed: [] };
}

/** Walks one top-level statement (`RawStmt.stmt`) whose source text is `text`. */
export function walkTopStatement(stmt: unknown, text: string, sink: StatementSink): void {
  const ctx: Ctx = {
    sink,
    deferred: false,
    tablesTo: null,
    functionsTo: null,
    ctes: NO_CTES,
    fold: false,
    via: 'statement',
    optionalRoot: false,
    text,
    depth: 0,
    handlers: HANDLERS,
  };
  const type = Object.keys((stmt ?? {}) as Obj)[0];
  // Every raw statement is a `…Stmt` node; anything else is a node this walker does not know: `unknown`.
  if (type === undefined || !type.endsWith('Stmt')) open('unknown', ctx);
  else walkValue(stmt, ctx);
}
