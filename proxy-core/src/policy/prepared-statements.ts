/**
 * What a session's prepared statements do, so that `EXECUTE name` and a protocol Bind are judged as the statement they
 * run (issue 3 §2: a decision applies when the statement would execute, however it gets there). SQL PREPARE and
 * protocol Parse share one namespace in PostgreSQL, and so they do here. Without this registry an EXECUTE classifies
 * as an `unparsed` action, denied unless a rule allows unparsed input.
 *
 * The registry follows what the server did, not what the client asked: a PREPARE or a Parse of a name that already
 * exists fails there (42P05) and leaves the old statement in place, and a Close or a DEALLOCATE behind an error in its
 * batch never runs. So each change the client sends waits in order until the server answers it (ParseComplete,
 * CloseComplete, the CommandComplete of the PREPARE or DEALLOCATE), and an error drops the changes the server skipped.
 * Until then, a name that could be either of two statements is judged as neither: it is unparsed (fail closed), and so
 * is every name once the answers stop matching what was sent.
 */
import type { ClassifiedStatement, SqlClassification, StatementPart } from './policy.types';

/** What the server answered, as far as the namespace is concerned (anything else is not told). */
export type ServerAnswer = 'parse-complete' | 'close-complete' | 'error' | 'ready' | { tag: string };

export interface PreparedStatements {
  /** A Parse was sent (`''` is the unnamed statement): it defines `name` once the server accepts it. */
  parsed(name: string, classification: SqlClassification, text: string): void;
  /** A protocol Close was sent, of a statement (`name`) or of a portal (undefined). */
  closed(name: string | undefined): void;
  /** A simple Query was sent: its PREPAREs define, DEALLOCATE [ALL] and DISCARD ALL drop, as the server completes each. */
  queried(classification: SqlClassification): void;
  /** A Sync or a Query was sent: the server ends its answer to it with ReadyForQuery. */
  syncPoint(): void;
  answered(answer: ServerAnswer): void;
  /** False when the server has no statement `name` (so a Bind of it fails there); true when it may, or when unknown. */
  mayExist(name: string): boolean;
  /** How a Bind of `name` reads for people: the SQL its Parse sent, or `EXECUTE "name"` (an SQL PREPARE, or unknown). */
  shownText(name: string): string;
  /** What a Bind of `name` runs; unparsed when the server's answers still leave two statements possible. */
  classifyPrepared(name: string): SqlClassification | undefined;
  /** `classification` with each EXECUTE of a known statement replaced by what that statement does. */
  resolve(classification: SqlClassification): SqlClassification;
  /** Statements the server confirmed. */
  readonly size: number;
  /** Changes sent that the server has not answered yet (only then do its CommandComplete tags matter). */
  readonly awaiting: boolean;
}

interface Definition {
  classification: SqlClassification;
  /** The text that defined it: two definitions with one text are one statement. */
  text: string;
  /** Defined by a protocol Parse (its text is the statement's SQL), not by an SQL PREPARE. */
  parsed: boolean;
}

type Change =
  | { op: 'define'; name: string; definition: Definition }
  | { op: 'drop'; name: string }
  | { op: 'drop-all' }
  | { op: 'none' };

interface Sent {
  /** Which Sync or Query of the session's this change is answered before (counted from 0). */
  batch: number;
  /** The answer that confirms it: ParseComplete, CloseComplete, or a CommandComplete with this tag. */
  answer: 'parse-complete' | 'close-complete' | 'PREPARE' | 'DEALLOCATE' | 'DEALLOCATE ALL' | 'DISCARD ALL';
  change: Change;
}

/** More changes in flight than this and the registry gives up on knowing (every lookup is unparsed). */
const MAX_IN_FLIGHT = 100_000;

export function createPreparedStatements(options: { maxEntries?: number } = {}): PreparedStatements {
  const maxEntries = options.maxEntries ?? 10_000;
  const confirmed = new Map<string, Definition>();
  /** Set once a confirmed statement was forgotten to stay under maxEntries: an unknown name may then exist. */
  let evicted = false;
  const inFlight: Sent[] = [];
  let syncsSent = 0;
  let syncsAnswered = 0;
  /** Set when the server's answers do not match what was sent: nothing is known any more. */
  let lost: string | undefined;

  const send = (answer: Sent['answer'], change: Change) => {
    if (inFlight.length >= MAX_IN_FLIGHT) lost ??= `more than ${MAX_IN_FLIGHT} statement changes awaited an answer`;
    else inFlight.push({ batch: syncsSent, answer, change });
  };
  const apply = (change: Change) => {
    if (change.op === 'define') {
      confirmed.delete(change.name);
      confirmed.set(change.name, change.definition);
      if (confirmed.size > maxEntries) {
        confirmed.delete(confirmed.keys().next().value as string);
        evicted = true;
      }
    } else if (change.op === 'drop') confirmed.delete(change.name);
    else if (change.op === 'drop-all') confirmed.clear();
  };

  /** Every statement `name` may stand for on the server now, one per text. */
  const possible = (name: string): Definition[] => {
    const out: Definition[] = [];
    const old = confirmed.get(name);
    if (old !== undefined) out.push(old);
    for (const { change } of inFlight)
      if (change.op === 'define' && change.name === name && !out.some((d) => d.text === change.definition.text))
        out.push(change.definition);
    return out;
  };
  const lookup = (name: string): SqlClassification | undefined => {
    if (lost !== undefined) return unknowable(name, lost);
    const found = inFlight.length === 0 ? [confirmed.get(name)].filter((d) => d !== undefined) : possible(name);
    if (found.length === 0 && evicted)
      return unknowable(
        name,
        `over ${maxEntries} statements were prepared in this session, and this one was forgotten`,
      );
    if (found.length <= 1) return found[0]?.classification;
    return unknowable(name, 'it was defined again before the server answered, so it may run either statement');
  };

  const registry: PreparedStatements = {
    parsed(name, classification, text) {
      send('parse-complete', { op: 'define', name, definition: { classification, text, parsed: true } });
    },
    closed(name) {
      send('close-complete', name === undefined ? { op: 'none' } : { op: 'drop', name });
    },
    queried(classification) {
      for (const stmt of classification.statements) {
        if (stmt.prepares !== undefined)
          send('PREPARE', {
            op: 'define',
            name: stmt.prepares,
            definition: {
              classification: { statements: [stmt], unparsed: stmt.unparsed !== undefined },
              text: stmt.text,
              parsed: false,
            },
          });
        if (stmt.deallocates === null)
          send(stmt.kind === 'discard' ? 'DISCARD ALL' : 'DEALLOCATE ALL', { op: 'drop-all' });
        else if (stmt.deallocates !== undefined) send('DEALLOCATE', { op: 'drop', name: stmt.deallocates });
      }
    },
    syncPoint() {
      syncsSent++;
    },
    answered(answer) {
      if (answer === 'ready') {
        syncsAnswered++;
        // Whatever of that batch was not answered did not run.
        while (inFlight.length > 0 && (inFlight[0] as Sent).batch < syncsAnswered) inFlight.shift();
        return;
      }
      const head = inFlight[0];
      if (head === undefined || head.batch !== syncsAnswered) {
        // Every Parse and Close sent is in flight, in order: an answer to one with none due means the sides disagree.
        if (answer === 'parse-complete' || answer === 'close-complete')
          lost ??= `the server answered ${answer} where none was due`;
        return;
      }
      if (answer === 'error') {
        // The server skips the rest of the batch (or of the Query string).
        while (inFlight.length > 0 && (inFlight[0] as Sent).batch === syncsAnswered) inFlight.shift();
        return;
      }
      const tag = typeof answer === 'string' ? answer : answer.tag;
      if (tag === head.answer) {
        inFlight.shift();
        apply(head.change);
      } else if (tag === 'parse-complete' || tag === 'close-complete') {
        // Every Parse and Close sent is in flight, in order: another answer first means the two sides disagree.
        lost ??= `the server answered ${tag} where ${head.answer} was due`;
      }
      // Other CommandComplete tags are the statements around a PREPARE or DEALLOCATE in the same Query.
    },
    mayExist: (name) =>
      lost !== undefined ||
      evicted ||
      confirmed.has(name) ||
      inFlight.some((s) => s.change.op === 'define' && s.change.name === name),
    shownText(name) {
      const found = lost === undefined ? possible(name) : [];
      const only = found.length === 1 ? found[0] : undefined;
      return only?.parsed ? only.text : executeText(name);
    },
    classifyPrepared: lookup,
    resolve(classification) {
      if (!classification.statements.some((s) => s.parts.some((p) => p.prepared !== undefined))) return classification;
      const statements = classification.statements.map((s) => resolveStatement(s, lookup));
      // Nothing known to resolve: the same (cached) classification, so that its verdict is reused too.
      if (statements.every((s, i) => s === classification.statements[i])) return classification;
      return {
        ...classification,
        statements,
        unparsed: classification.unparsed || statements.some((s) => s.unparsed !== undefined),
      };
    },
    get size() {
      return confirmed.size;
    },
    get awaiting() {
      return inFlight.length > 0;
    },
  };
  return registry;
}

/** How a run of the prepared statement `name` reads as SQL. */
export function executeText(name: string): string {
  return `EXECUTE "${name.replaceAll('"', '""')}"`;
}

/** An EXECUTE of `name` whose statement cannot be known: unparsed, with the reason. */
function unknowable(name: string, why: string): SqlClassification {
  const statement: ClassifiedStatement = {
    kind: 'execute',
    text: `EXECUTE ${name}`,
    tables: [],
    functions: [],
    functionCategories: [],
    parts: [],
    deferred: [],
    notes: [],
    unparsed: `prepared statement ${name || '(unnamed)'}: ${why}`,
  };
  return { statements: [statement], unparsed: true };
}

function resolveStatement(
  stmt: ClassifiedStatement,
  lookup: (name: string) => SqlClassification | undefined,
): ClassifiedStatement {
  const parts: StatementPart[] = [];
  const unparsed: string[] = stmt.unparsed === undefined ? [] : [stmt.unparsed];
  let resolvedAny = false;
  for (const part of stmt.parts) {
    const prepared = part.prepared === undefined ? undefined : lookup(part.prepared);
    if (prepared === undefined) {
      parts.push(part);
      continue;
    }
    resolvedAny = true;
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
  if (!resolvedAny) return stmt;
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
