import {
  BufferReader,
  FrontendCode,
  type PgFrame,
  parseClose,
  parseFunctionCall,
  parseParse,
  parseQuery,
} from './codec';

/** What the session remembers of the extended protocol to know which SQL an Execute runs. */
export interface ExtendedState {
  /** Prepared statement name → SQL ('' = unnamed). */
  statements: Map<string, string>;
  /** Portal name → SQL of the statement it was bound from. */
  portals: Map<string, { sql: string; parsedInBatch: boolean }>;
  /** After a refused message in a batch: discard until Sync, as the server does after an error. */
  skipUntilSync: boolean;
  /** Statements parsed since the last Sync (already judged at Parse in this batch). */
  batchParsed?: Set<string>;
}

export interface FrontendCommand {
  /** SQL (or a description) the policy must judge; undefined when the message carries no command. */
  text?: string;
  via?: string;
  /** The prepared statement a Parse creates. */
  name?: string;
  /** Drop the message (an earlier one in this batch was refused). */
  skip?: boolean;
}

const NONE: FrontendCommand = {};
const SKIP: FrontendCommand = { skip: true };

/**
 * Which messages are commands: a simple Query, a Parse, an Execute of a statement parsed in an
 * earlier batch (a decision applies when the statement would execute, so a prepared statement is
 * judged again under the current policy), and fast-path function calls. Everything else (Bind,
 * Describe, Sync, CopyData, …) passes as is.
 * @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 */
export function frontendCommand(frame: PgFrame, state: ExtendedState): FrontendCommand {
  if (state.skipUntilSync) {
    if (frame.code !== FrontendCode.Sync) return SKIP;
    state.skipUntilSync = false;
  }
  switch (frame.code) {
    case FrontendCode.Query:
      return { text: parseQuery(new BufferReader(frame.payload)).query, via: 'query' };
    case FrontendCode.Parse: {
      const parse = parseParse(new BufferReader(frame.payload));
      state.statements.set(parse.name, parse.query);
      state.batchParsed ??= new Set();
      state.batchParsed.add(parse.name);
      return { text: parse.query, via: 'parse', name: parse.name };
    }
    case FrontendCode.Bind: {
      // Only the portal and statement names matter here: parameter values are not decoded (hot path).
      const r = new BufferReader(frame.payload);
      const portal = r.cstring();
      const statement = r.cstring();
      const sql = state.statements.get(statement);
      if (sql !== undefined)
        state.portals.set(portal, { sql, parsedInBatch: state.batchParsed?.has(statement) ?? false });
      return NONE;
    }
    case FrontendCode.Execute: {
      const portal = state.portals.get(readCString(frame.payload));
      if (!portal || portal.parsedInBatch) return NONE;
      return { text: portal.sql, via: 'execute' };
    }
    case FrontendCode.Close: {
      const close = parseClose(new BufferReader(frame.payload));
      if (close.target === 'S') state.statements.delete(close.name);
      else state.portals.delete(close.name);
      return NONE;
    }
    case FrontendCode.Sync:
      state.batchParsed?.clear();
      state.portals.delete('');
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

function readCString(payload: Uint8Array): string {
  const end = payload.indexOf(0);
  return Buffer.from(payload.buffer, payload.byteOffset, end < 0 ? payload.length : end).toString('utf8');
}
