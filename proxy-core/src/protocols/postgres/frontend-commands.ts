import { executeText } from '../../policy';
import {
  BufferReader,
  FrontendCode,
  type PgFrame,
  parseClose,
  parseFunctionCall,
  parseParse,
  parseQuery,
} from './codec';

/** What the session remembers of the extended protocol to know which SQL a Bind starts to run. */
export interface ExtendedState {
  /**
   * Prepared statement name ('' = unnamed) → its SQL and the parameter types its Parse named (0: unspecified), as the
   * client last sent them: for showing values. What the server has is in policy/prepared-statements.
   */
  statements: Map<string, { sql: string; paramTypes: readonly number[] }>;
  /** After a refused message in a batch: discard until Sync, as the server does after an error. */
  skipUntilSync: boolean;
  /** Statements judged since the last Sync, at a Parse or a Bind: their further Binds in this batch are not. */
  batchJudged?: Set<string>;
  /** Statement → how many of its next Binds in this batch an approval already covers (it showed their values). */
  batchCovered?: Map<string, number>;
}

export interface FrontendCommand {
  /** SQL (or a description) the policy must judge; undefined when the message carries no command. */
  text?: string;
  via?: string;
  /** The prepared statement a Parse creates, or a Bind runs. */
  name?: string;
  /** Drop the message (an earlier one in this batch was refused). */
  skip?: boolean;
}

const NONE: FrontendCommand = {};

/** The prepared statement a Close closes; undefined for a Close of a portal. */
export function closedStatement(payload: Uint8Array): string | undefined {
  const close = parseClose(new BufferReader(payload));
  return close.target === 'S' ? close.name : undefined;
}
const SKIP: FrontendCommand = { skip: true };
/** Words of the SQL that changes prepared statements: PREPARE, DEALLOCATE, DISCARD ALL. */
const STATEMENT_NAMESPACE = /prepare|deallocate|discard/i;

/**
 * Which messages are commands: a simple Query, a Parse, a Bind of a statement parsed in an earlier
 * batch (a decision applies when the statement would execute, so a prepared statement is judged
 * again under the current policy), and fast-path function calls. A run starts at its Bind (the
 * server plans there, and may evaluate functions), and the Executes that follow fetch from that run
 * (a result read in pages): they pass as is, as does everything else (Describe, Sync, CopyData, …).
 * A Parse whose statement is held for review when it runs is taken out of `batchJudged` by the
 * session (see {@link reviewWhenRun}), so that its Bind in the same batch is judged.
 * @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 */
export function frontendCommand(frame: PgFrame, state: ExtendedState): FrontendCommand {
  if (state.skipUntilSync) {
    if (frame.code !== FrontendCode.Sync) return SKIP;
    state.skipUntilSync = false;
  }
  switch (frame.code) {
    case FrontendCode.Query: {
      const text = parseQuery(new BufferReader(frame.payload)).query;
      // SQL may drop or replace statements a Parse named: their texts are no longer known (a Bind of one shows as
      // the EXECUTE of its name; policy judges what the name runs now, see sql-interpreter).
      if (state.statements.size > 0 && STATEMENT_NAMESPACE.test(text)) state.statements.clear();
      return { text, via: 'query' };
    }
    case FrontendCode.Parse: {
      const parse = parseParse(new BufferReader(frame.payload));
      state.statements.set(parse.name, { sql: parse.query, paramTypes: parse.paramTypes });
      state.batchJudged ??= new Set();
      state.batchJudged.add(parse.name);
      state.batchCovered?.delete(parse.name);
      return { text: parse.query, via: 'parse', name: parse.name };
    }
    case FrontendCode.Bind: {
      // Only the statement name matters here: parameter values are not decoded (hot path).
      const r = new BufferReader(frame.payload);
      r.cstring(); // the portal
      const name = r.cstring();
      if (state.batchJudged?.has(name)) return NONE;
      const covered = state.batchCovered?.get(name) ?? 0;
      if (covered > 0) {
        state.batchCovered?.set(name, covered - 1);
        return NONE;
      }
      // A statement prepared with SQL PREPARE shares the namespace: it is judged as the EXECUTE that would run it. This
      // is the client's view of the name; the session judges and shows what the server has (policy/prepared-statements).
      return { text: state.statements.get(name)?.sql ?? executeText(name), via: 'bind', name };
    }
    case FrontendCode.Close: {
      const name = closedStatement(frame.payload);
      if (name !== undefined) state.statements.delete(name);
      return NONE;
    }
    case FrontendCode.Sync:
      state.batchJudged?.clear();
      state.batchCovered?.clear();
      return NONE;
    case FrontendCode.FunctionCall:
      return {
        text: `-- fast-path function call, function OID ${parseFunctionCall(new BufferReader(frame.payload)).functionOid}`,
        via: 'function-call',
      };
    default:
      return NONE;
  }
}

/**
 * The statement a Parse prepares is held for review when it runs, not when it is prepared: its Binds in the same batch
 * are judged too.
 */
export function reviewWhenRun(state: ExtendedState, statement: string): void {
  state.batchJudged?.delete(statement);
}

/**
 * A Bind of `statement` was allowed: like a Parse judged in this batch, the decision covers its other runs up to the
 * next Sync (a JDBC batch, psycopg's executemany).
 */
export function judgedForBatch(state: ExtendedState, statement: string): void {
  state.batchJudged ??= new Set();
  state.batchJudged.add(statement);
}

/**
 * An approval (of a Parse or a Bind of `statement`) showed the values of the next `runs` Binds of it in this batch
 * (see {@link bindsAhead}): they are not asked again; any after them are. It replaces the Parse's cover of the batch.
 */
export function coverRuns(state: ExtendedState, statement: string, runs: number): void {
  state.batchJudged?.delete(statement);
  if (runs <= 0) return;
  state.batchCovered ??= new Map();
  state.batchCovered.set(statement, runs);
}

/**
 * The Binds of `statement` among `frames` (what the client sent behind a held Bind of it), up to the batch's Sync or
 * a Parse or Close that redefines the name: the further runs of the same statement that an approval can show.
 */
export function bindsAhead(frames: readonly PgFrame[], statement: string): PgFrame[] {
  const out: PgFrame[] = [];
  try {
    for (const frame of frames) {
      if (frame.code === FrontendCode.Sync) break;
      const r = new BufferReader(frame.payload);
      if (frame.code === FrontendCode.Bind) {
        r.cstring(); // the portal
        if (r.cstring() === statement) out.push(frame);
      } else if (frame.code === FrontendCode.Parse && r.cstring() === statement) break;
      else if (frame.code === FrontendCode.Close && r.byte() === 0x53 && r.cstring() === statement) break;
    }
  } catch {
    // A malformed message: the runs before it are the ones shown; the server refuses the rest.
  }
  return out;
}
