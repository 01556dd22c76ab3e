/**
 * PostgreSQL searches `pg_catalog` before the schemas of `search_path` unless the path lists it; listed
 * after another schema, a function or operator there with a built-in's name and argument types is the one
 * that runs. Policy judges a call by its name (`lower()` is a built-in), so such a path needs a rule of
 * its own.
 * @see https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-SEARCH-PATH
 */

/** The notes a classification carries for a change of search_path, and for one that shadows built-ins. */
export const SEARCH_PATH_NOTE = 'changes search_path: unqualified table names resolve differently';
export const SHADOWING_NOTE =
  'search_path puts pg_catalog after another schema: a function there could stand in for a built-in';

/** Whether a search_path, as its list of schema names (exact, as the server compares them), shadows built-ins. */
export function shadowsBuiltins(schemas: readonly string[]): boolean {
  return schemas.indexOf('pg_catalog') > 0;
}

/** A search_path value as text (`public, "My Schema"`): its schema names, unquoted names folded to lower case. */
export function searchPathSchemas(value: string): string[] {
  return value.split(',').map((s) => {
    const t = s.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"')
      ? t.slice(1, -1).replaceAll('""', '"')
      : t.toLowerCase();
  });
}
