/**
 * Lineage: which stored columns a value is computed from. A source is a `schema.table.column` key; `unknown` says
 * some of the inputs could not be traced (a relation missing from the catalog, a view that does not parse, a
 * function that reads tables named in a string, …) and why.
 */

export interface Lineage {
  readonly sources: ReadonlySet<string>;
  readonly unknown: string | undefined;
}

export interface MutableLineage {
  sources: Set<string>;
  unknown: string | undefined;
}

/** One output column of a query. A `spread` stands for an unknown number of columns (`*` of a relation we cannot list). */
export interface OutputColumn {
  name: string | undefined;
  lineage: Lineage;
  spread: boolean;
}

/** Lineage used where a clause can leak masked values without returning them, or a write of masked values. */
export interface SideRef {
  clause: string;
  lineage: Lineage;
  sink: boolean;
  /** For writes into a table column: its source key (writing a masked value into a masked column is fine). */
  target?: string;
  /** What a sink does with the masked column, for the reason given (default `writes`). */
  verb?: string;
}

const SEP = '\u001f';

export const CLEAN: Lineage = { sources: new Set<string>(), unknown: undefined };

export function sourceKey(schema: string, table: string, column: string): string {
  return `${schema}${SEP}${table}${SEP}${column}`;
}

export function splitSourceKey(key: string): [schema: string, table: string, column: string] {
  const [schema = '', table = '', column = ''] = key.split(SEP);
  return [schema, table, column];
}

/** `schema.table.column` for messages and rule names. */
export function sourceName(key: string): string {
  return key.replaceAll(SEP, '.');
}

export function emptyLineage(): MutableLineage {
  return { sources: new Set(), unknown: undefined };
}

export function sourceLineage(key: string): Lineage {
  return { sources: new Set([key]), unknown: undefined };
}

export function unknownLineage(reason: string): Lineage {
  return { sources: new Set(), unknown: reason };
}

export function addLineage(acc: MutableLineage, from: Lineage): void {
  for (const s of from.sources) acc.sources.add(s);
  if (acc.unknown === undefined && from.unknown !== undefined) acc.unknown = from.unknown;
}

export function unionOf(list: Iterable<Lineage>): MutableLineage {
  const acc = emptyLineage();
  for (const l of list) addLineage(acc, l);
  return acc;
}

export function isClean(l: Lineage): boolean {
  return l.sources.size === 0 && l.unknown === undefined;
}

export function sameLineage(a: Lineage, b: Lineage): boolean {
  if (a.sources.size !== b.sources.size || (a.unknown === undefined) !== (b.unknown === undefined)) return false;
  for (const s of a.sources) if (!b.sources.has(s)) return false;
  return true;
}

export function column(name: string | undefined, lineage: Lineage): OutputColumn {
  return { name, lineage, spread: false };
}

export function spread(lineage: Lineage): OutputColumn {
  return { name: undefined, lineage, spread: true };
}

export function hasSpread(outputs: readonly OutputColumn[]): boolean {
  return outputs.some((o) => o.spread);
}

/** Renames the leading columns (`AS t(a, b)`, a CTE's column list); outputs with a spread keep their names. */
export function renamed(outputs: OutputColumn[], names: readonly string[]): OutputColumn[] {
  if (names.length === 0 || hasSpread(outputs)) return outputs;
  return outputs.map((o, i) => (i < names.length ? { ...o, name: names[i] } : o));
}
