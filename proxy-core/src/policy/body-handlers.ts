/**
 * Handlers of statements with bodies: DO (its PL/pgSQL runs now), and CREATE FUNCTION / VIEW / RULE / TRIGGER,
 * whose bodies run later and are recorded as deferred parts. Dynamic EXECUTE is followed when its string is a
 * literal and is unparsed otherwise (issue 3 §1).
 */
import { parseSync } from 'libpg-query';
import { constantString, defElems, str, stringList } from './parse-tree-values';
import { visitPlpgsql } from './plpgsql-body';
import { formatQualifiedName } from './qualified-name';
import { statementKindOf } from './statement-kind-of';
import {
  addTable,
  type Ctx,
  deferredCtx,
  type Handler,
  inPart,
  MAX_DEPTH,
  type Obj,
  open,
  unparsed,
  walkFields,
  walkSqlText,
  walkValue,
} from './walk-core';

export function viewStmt(p: Obj, ctx: Ctx): void {
  const part = open('create_view', ctx);
  addTable((p.view ?? {}) as Obj, ctx, part);
  walkValue(p.query, deferredCtx(ctx, 'view query'));
}

export function ruleStmt(p: Obj, ctx: Ctx): void {
  const part = open('create_rule', ctx);
  addTable((p.relation ?? {}) as Obj, ctx, part);
  const later = deferredCtx(ctx, 'rule action');
  ctx.sink.notes.push('rule actions run later, whenever the table is used');
  walkValue(p.whereClause, { ...later, tablesTo: part, functionsTo: part });
  walkValue(p.actions, later);
}

export function createTrigger(type: string): Handler {
  return (p, ctx) => {
    const part = open(statementKindOf(type, p), ctx);
    const fn = formatQualifiedName(stringList(p.funcname));
    ctx.sink.notes.push(`trigger runs function ${fn} later`);
    walkFields(p, inPart(ctx, part), TRIGGER_SKIP);
    walkValue(p.whenClause, { ...deferredCtx(ctx, 'trigger condition'), tablesTo: part, functionsTo: part });
  };
}

const TRIGGER_SKIP: ReadonlySet<string> = new Set(['funcname', 'whenClause', 'args']);

/**
 * CREATE FUNCTION defines a body that runs later: it is recorded as deferred parts (and its dangerous calls still
 * become actions, see sql-actions.ts). The PL/pgSQL compiler only gets a statement with exactly one `AS` string:
 * libpg-query 18.1.5 aborts on a plpgsql CREATE FUNCTION without one.
 */
export function createFunction(p: Obj, ctx: Ctx): void {
  open(p.is_procedure === true ? 'create_procedure' : 'create_function', ctx);
  const options = defElems(p.options);
  const language = (str(options.get('language')) ?? 'sql').toLowerCase();
  const later = deferredCtx(ctx, 'function body');
  walkValue(p.parameters, inPart(later, open('select', later, 'parameter default', true), 'parameter default'));
  if (p.sql_body !== undefined) {
    walkValue(p.sql_body, later);
    return;
  }
  const body = stringList(((options.get('as') as Obj | undefined)?.List as Obj | undefined)?.items);
  if (language === 'sql' && body.length === 1) walkSqlText(body[0] as string, later, 'function body');
  else if (language === 'plpgsql' && body.length === 1 && ctx.text !== null && ctx.tablesTo === null)
    walkPlpgsql(ctx.text, later, 'function body');
  else ctx.sink.notes.push(`function body in language ${language} is not analyzed`);
}

export function doStmt(p: Obj, ctx: Ctx): void {
  open('do', ctx);
  const options = defElems(p.args);
  const language = (str(options.get('language')) ?? 'plpgsql').toLowerCase();
  const body = str(options.get('as'));
  if (language !== 'plpgsql' || body === undefined) {
    unparsed(ctx, `DO block in language ${language} cannot be analyzed`);
    return;
  }
  walkPlpgsql(`DO ${dollarQuote(body)}`, { ...ctx, tablesTo: null, functionsTo: null }, 'do');
}

function dollarQuote(body: string): string {
  let tag = '$vigil$';
  for (let i = 0; body.includes(tag); i++) tag = `$vigil${i}$`;
  return `${tag}${body}${tag}`;
}

function walkPlpgsql(source: string, ctx: Ctx, via: string): void {
  if (ctx.depth >= MAX_DEPTH) {
    unparsed(ctx, `${via}: SQL nested more than ${MAX_DEPTH} levels deep`);
    return;
  }
  const inner: Ctx = { ...ctx, via };
  try {
    visitPlpgsql(source, {
      statement: (sql) => walkSqlText(sql, inner, via),
      expression: (sql) => walkSqlText(`SELECT ${sql}`, inner, via, true),
      dynamic: (expr) => dynamicExecute(expr, inner),
      transaction: (kind) => void open(kind, inner),
    });
  } catch (e) {
    unparsed(ctx, `${via}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** EXECUTE <expr>: a literal (or literals joined with ||) is classified; anything else is unparsed. */
function dynamicExecute(expr: string, ctx: Ctx): void {
  walkSqlText(`SELECT ${expr}`, ctx, ctx.via, true);
  let value: string | null = null;
  try {
    const stmt = (parseSync(`SELECT ${expr}`).stmts?.[0]?.stmt ?? {}) as Obj;
    const target = ((stmt.SelectStmt as Obj | undefined)?.targetList as unknown[] | undefined)?.[0] as Obj | undefined;
    value = constantString((target?.ResTarget as Obj | undefined)?.val) ?? null;
  } catch {
    // Already reported as unparsed by the walkSqlText above.
  }
  if (value === null) unparsed(ctx, `dynamic EXECUTE of a computed string: ${expr.trim()}`);
  else walkSqlText(value, ctx, 'execute');
}
