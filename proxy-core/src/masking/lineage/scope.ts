/**
 * Name resolution the way PostgreSQL's parser does it (parse_relation.c), reduced to what lineage needs: the
 * relations of each query level (FROM items with their aliases), CTEs visible from it, and the outer levels a
 * correlated subquery can reach.
 */
import type { Node } from 'libpg-query';
import type { MaskingCatalog } from '../masking.types';
import { type Lineage, type OutputColumn, type SideRef, unionOf } from './lineage';

/** A relation that names can be qualified with: a table, view, subquery, function or join alias. */
export interface Relation {
  name: string;
  /** Schema of an unaliased table (for `schema.table.column`). */
  schema: string | undefined;
  /** Positional columns; a spread stands for columns we cannot list. */
  outputs: OutputColumn[];
}

/** One entry of FROM: the relations it makes visible and the columns `*` expands to. */
export interface FromItem {
  relations: Relation[];
  star: OutputColumn[];
}

export interface Scope {
  parent: Scope | undefined;
  items: FromItem[];
  ctes: Map<string, OutputColumn[]>;
}

export interface LineageContext {
  catalog: MaskingCatalog;
  searchPath: readonly string[];
  side: SideRef[];
  /** Above 0 while analysing a view body: its predicates were written by the DBA, not the agent. */
  quiet: number;
  views: Map<string, OutputColumn[] | null>;
  /** Output columns of a nested query (SELECT, or DML with RETURNING) analysed in `scope`. */
  query(node: Node, scope: Scope | undefined): OutputColumn[];
  /**
   * Where to note what the statement names and the catalog lacks (relations as `schema.table`, columns as
   * `column name`), for a caller that may read the catalog again.
   */
  missing: Set<string> | undefined;
}

export function newScope(parent: Scope | undefined): Scope {
  return { parent, items: [], ctes: new Map() };
}

export function findCte(scope: Scope | undefined, name: string): OutputColumn[] | undefined {
  for (let s = scope; s; s = s.parent) {
    const cte = s.ctes.get(name);
    if (cte) return cte;
  }
  return undefined;
}

export function relationItem(relation: Relation): FromItem {
  return { relations: [relation], star: relation.outputs };
}

export function wholeRow(relation: Relation): Lineage {
  return unionOf(relation.outputs.map((o) => o.lineage));
}

/** A named column of `outputs`, or the union of its spreads when the name is not listed; undefined if neither. */
export function columnIn(outputs: readonly OutputColumn[], name: string): Lineage | undefined {
  const spreads: Lineage[] = [];
  for (const o of outputs) {
    if (!o.spread && o.name === name) return o.lineage;
    if (o.spread) spreads.push(o.lineage);
  }
  return spreads.length > 0 ? unionOf(spreads) : undefined;
}

/** The relation `parts` (`[name]`, `[schema, name]` or `[db, schema, name]`) names in one query level. */
function relationAt(scope: Scope, parts: readonly string[]): Relation | undefined {
  const name = parts[parts.length - 1];
  const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  for (const item of scope.items) {
    for (const r of item.relations) {
      if (r.name === name && (schema === undefined || r.schema === schema)) return r;
    }
  }
  return undefined;
}

export function findRelation(scope: Scope, parts: readonly string[]): Relation | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const r = relationAt(s, parts);
    if (r) return r;
  }
  return undefined;
}

/**
 * An unqualified column: the innermost level that lists it wins (a spread at that level cannot also hold it, or
 * PostgreSQL would call the name ambiguous). Inner levels where it could only hide in a spread add that spread's
 * lineage, and the search goes on outwards. Undefined when nothing could hold it.
 */
export function findColumn(scope: Scope, name: string): Lineage | undefined {
  const maybe: Lineage[] = [];
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const exact: Lineage[] = [];
    const spreads: Lineage[] = [];
    for (const item of s.items) {
      for (const o of item.star) {
        if (!o.spread && o.name === name) exact.push(o.lineage);
        else if (o.spread) spreads.push(o.lineage);
      }
    }
    if (exact.length > 0) return unionOf([...exact, ...maybe]);
    maybe.push(...spreads);
  }
  return maybe.length > 0 ? unionOf(maybe) : undefined;
}

/** The columns `*` expands to in the innermost level. */
export function starOf(scope: Scope): OutputColumn[] {
  return scope.items.flatMap((item) => item.star);
}
