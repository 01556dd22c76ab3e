import type { FunctionCategory } from './function-categories';
import type { StatementKind } from './statement-kinds';

export type { FunctionCategory } from './function-categories';
export type { StatementKind } from './statement-kinds';

/** One function called in a part: its name as written (`pg_catalog.pg_read_file`) and its built-in categories. */
export interface FunctionCall {
  readonly function: string;
  readonly categories: readonly FunctionCategory[];
}

/**
 * One thing a statement does. A plain statement has one part; `WITH x AS (DELETE …) SELECT` has a select and a
 * delete part; a DELETE with a subquery has the delete (its target table) and a select part for what it reads;
 * a DO block has `do` plus the parts of every statement in its body.
 */
export interface StatementPart {
  readonly kind: StatementKind;
  /** Tables, as written: schema-qualified where the SQL qualified them, else unqualified (`orders`). */
  readonly tables: readonly string[];
  readonly functions: readonly string[];
  readonly functionCategories: readonly FunctionCategory[];
  readonly calls: readonly FunctionCall[];
  /** How the part is reached: `statement`, `read`, `cte`, `do`, `execute`, `explain analyze`, … */
  readonly via: string;
  /** For `execute` parts: the prepared statement run. */
  readonly prepared?: string;
}

export interface ClassifiedStatement {
  /** What the statement is: its first part's kind (EXPLAIN ANALYZE DELETE is `delete`, SELECT INTO is `create_table`). */
  readonly kind: StatementKind;
  /** The statement's own text (from stmt_location/stmt_len). */
  readonly text: string;
  /** Union over parts and deferred parts; see {@link StatementPart.tables} for the naming. */
  readonly tables: readonly string[];
  readonly functions: readonly string[];
  readonly functionCategories: readonly FunctionCategory[];
  /** What runs when the statement executes. */
  readonly parts: readonly StatementPart[];
  /** What the statement defines to run later: function bodies, rule actions, view queries. */
  readonly deferred: readonly StatementPart[];
  /** Facts a reviewer needs (`COPY FROM server file '/etc/passwd'`, `function body: delete t`). */
  readonly notes: readonly string[];
  /** Why part of the statement cannot be read (dynamic EXECUTE, DO in another language …); absent when parsed. */
  readonly unparsed?: string;
  /** PREPARE name AS …: the statement is classified as what it prepares (and judged again at EXECUTE). */
  readonly prepares?: string;
  /** DEALLOCATE name; `null` for DEALLOCATE ALL and DISCARD ALL. */
  readonly deallocates?: string | null;
}

export interface SqlClassification {
  readonly statements: readonly ClassifiedStatement[];
  /** True on a syntax error or when any statement is unparsed. */
  readonly unparsed: boolean;
  readonly error?: { readonly message: string; readonly cursorPosition?: number };
}

/** A statement kind on one table (`table: null` when the statement names none). */
export interface StatementAction {
  readonly type: 'statement';
  readonly statement: StatementKind;
  readonly table: string | null;
  readonly statementIndex?: number;
}

/** A function call, judged in the context of the statement kind and tables it appears in. */
export interface FunctionAction {
  readonly type: 'function';
  readonly function: string;
  readonly categories: readonly FunctionCategory[];
  readonly statement: StatementKind;
  readonly tables: readonly string[];
  readonly statementIndex?: number;
}

/** Input, or part of it, that the parser could not read: denied unless a rule with `unparsed: true` matches. */
export interface UnparsedAction {
  readonly type: 'unparsed';
  readonly reason: string;
  readonly statementIndex?: number;
}

/** SSH (declared for the shell protocol): a program found by parsing the command line. */
export interface ProgramAction {
  readonly type: 'program';
  readonly program: string;
  readonly args: readonly string[];
}

/** HTTP (declared for the HTTP protocol). */
export interface HttpAction {
  readonly type: 'http';
  readonly method: string;
  readonly path: string;
  readonly host: string;
  /** The request's JSON body, when it was JSON and small enough to judge (`body:` rules). */
  readonly body?: unknown;
  /**
   * Why the request's body could not be read for policy (too large, content-encoded, not JSON), when it has one. A
   * deny or review rule on body fields then matches, and an allow rule on them does not: what the body says is unknown.
   */
  readonly bodyUnread?: string;
}

export type Action = StatementAction | FunctionAction | UnparsedAction | ProgramAction | HttpAction;

export type Outcome = 'allow' | 'deny' | 'review';

export interface Principal {
  readonly sub: string;
  readonly groups: readonly string[];
}

export interface DecisionContext {
  readonly principal: Principal;
  /** Step mode (issue 3 §4): every allow becomes review. */
  readonly stepMode?: boolean;
  /** Schemas an unqualified table resolves to (the session's search_path); default: the policy's, else `public`. */
  readonly searchPath?: readonly string[];
}

export interface RuleRef {
  /** 0-based position in the policy's `rules`. */
  readonly index: number;
  /** `policy#N` with N 1-based, as a human counts rules: `agents-default#3` is the third rule. */
  readonly name: string;
}

export interface ActionDecision {
  readonly action: Action;
  readonly outcome: Outcome;
  /** The rule that decided the action; null when no rule matched (denied, fail closed). */
  readonly ruleIndex: number | null;
  readonly rule: RuleRef | null;
}

export interface Decision {
  readonly outcome: Outcome;
  /** The rule that made the outcome; null when the outcome is a deny because no rule matched. */
  readonly rule: RuleRef | null;
  readonly reason: string;
  readonly approvers?: { readonly groups: readonly string[]; readonly count: number };
  readonly timeoutMs?: number;
  readonly perAction: readonly ActionDecision[];
}
