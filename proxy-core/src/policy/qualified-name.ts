/**
 * Qualified names of tables and functions, written the way SQL writes them: parts joined by `.`, a part quoted
 * with `"` unless it is a plain lower-case identifier. The classifier formats parse-tree names this way and the
 * policy parses `tables:` / `functions:` patterns with the same rules (unquoted parts fold to lower case, as in
 * PostgreSQL), so `Customers`, `customers` and `public.customers` mean what they mean in SQL.
 */
import { compileGlob, type Matcher } from './glob';

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_$]*$/;

export function formatIdentifier(part: string): string {
  return PLAIN_IDENTIFIER.test(part) ? part : `"${part.replaceAll('"', '""')}"`;
}

export function formatQualifiedName(parts: readonly string[]): string {
  return parts.map(formatIdentifier).join('.');
}

export interface NamePart {
  value: string;
  /** Unquoted: lower-cased, and `*` is a wildcard. */
  quoted: boolean;
}

/** Splits `a."B.c".d` into parts; null when quotes do not balance or a part is empty. */
export function parseQualifiedName(text: string): NamePart[] | null {
  const parts: NamePart[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) return null;
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          value += '"';
          i += 2;
        } else {
          value += text[i];
          i++;
        }
      }
      i++;
      parts.push({ value, quoted: true });
      if (i < text.length && text[i] !== '.') return null;
    } else {
      const end = text.indexOf('.', i);
      const raw = text.slice(i, end === -1 ? text.length : end).trim();
      if (raw === '' || raw.includes('"')) return null;
      parts.push({ value: raw.toLowerCase(), quoted: false });
      i = end === -1 ? text.length : end;
    }
    if (i >= text.length) break;
    i++; // the dot
    if (i >= text.length) return null;
  }
  return parts.length > 0 ? parts : null;
}

export interface NameRef {
  schema: string | null;
  name: string;
}

/** The schema and object of a name as the classifier wrote it (`db.schema.t` keeps schema and t). */
export function toNameRef(text: string): NameRef | null {
  const parts = parseQualifiedName(text);
  if (parts === null || parts.length > 3) return null;
  const name = parts[parts.length - 1] as NamePart;
  const schema = parts.length > 1 ? (parts[parts.length - 2] as NamePart) : null;
  return { schema: schema?.value ?? null, name: name.value };
}

/**
 * A compiled `tables:` / `functions:` pattern. Without a schema (`customers`, `pg_read_*`) it matches that name
 * in every schema. With one (`public.customers`, `billing.*`) a qualified reference must be in that schema and an
 * unqualified reference matches when one of `candidateSchemas(name)` (the search path) does.
 */
export type NameMatcher = (ref: NameRef, candidateSchemas: (name: string) => readonly string[]) => boolean;

export function compileNamePattern(pattern: string): NameMatcher | null {
  const parts = parseQualifiedName(pattern);
  if (parts === null || parts.length > 3) return null;
  const last = parts[parts.length - 1] as NamePart;
  const name = partMatcher(last);
  if (parts.length === 1) return (ref) => name(ref.name);
  const schema = partMatcher(parts[parts.length - 2] as NamePart);
  return (ref, candidates) => {
    if (!name(ref.name)) return false;
    if (ref.schema !== null) return schema(ref.schema);
    return candidates(ref.name).some(schema);
  };
}

function partMatcher(part: NamePart): Matcher {
  return part.quoted ? (v) => v === part.value : compileGlob(part.value);
}
