/**
 * The small JSONPath subset masking rules use (RFC 9535 syntax, selectors only — no filters or slices):
 * `$`, `.name`, `['name']` / `["name"]`, `[3]`, `.*` / `[*]`, and `..` (descendants) before any of them.
 * e.g. `$.users[*].email`, `$..password`, `$.items[0]['card number']`.
 */

export type Selector = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export interface Segment {
  descendant: boolean;
  selector: Selector;
}

export interface JsonPath {
  source: string;
  segments: readonly Segment[];
}

/** A location in a JSON document: object keys and array indexes from the root. */
export type JsonLocation = readonly (string | number)[];

export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
}

const NAME_CHAR = /[A-Za-z0-9_$\u0080-\uffff-]/;

export function parseJsonPath(source: string): JsonPath {
  if (!source.startsWith('$')) throw new JsonPathError(`JSON path ${source} must start with $`);
  const segments: Segment[] = [];
  let i = 1;
  const fail = (why: string): never => {
    throw new JsonPathError(`JSON path ${source}: ${why} at position ${i}`);
  };
  while (i < source.length) {
    let descendant = false;
    if (source.startsWith('..', i)) {
      descendant = true;
      i += 2;
    } else if (source[i] === '.') {
      i += 1;
    } else if (source[i] !== '[') {
      fail('expected . or [');
    }
    if (source[i] === '[') {
      const end = bracketEnd(source, i);
      if (end < 0) fail('unclosed [');
      segments.push({ descendant, selector: bracketSelector(source.slice(i + 1, end), fail) });
      i = end + 1;
    } else if (source[i] === '*') {
      segments.push({ descendant, selector: { kind: 'wildcard' } });
      i += 1;
    } else {
      const start = i;
      while (i < source.length && NAME_CHAR.test(source[i] as string)) i++;
      if (i === start) fail('expected a member name');
      segments.push({ descendant, selector: { kind: 'name', name: source.slice(start, i) } });
    }
  }
  return { source, segments };
}

/** Index of the `]` closing the bracket at `open`, skipping quoted names. */
function bracketEnd(s: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ']') return i;
  }
  return -1;
}

function bracketSelector(inner: string, fail: (why: string) => never): Selector {
  const body = inner.trim();
  if (body === '*') return { kind: 'wildcard' };
  if (/^\d+$/.test(body)) return { kind: 'index', index: Number(body) };
  const quote = body[0];
  if ((quote === "'" || quote === '"') && body.endsWith(quote) && body.length >= 2) {
    return { kind: 'name', name: body.slice(1, -1).replace(/\\(.)/g, '$1') };
  }
  return fail(`unsupported selector [${inner}] (names, indexes and * only)`);
}

function selects(selector: Selector, key: string | number): boolean {
  switch (selector.kind) {
    case 'wildcard':
      return true;
    case 'name':
      return key === selector.name;
    case 'index':
      return key === selector.index;
  }
}

/** True when `location` is exactly one of the nodes `path` selects. */
export function matchesPath(path: JsonPath, location: JsonLocation): boolean {
  return matchFrom(path.segments, 0, location, 0);
}

function matchFrom(segments: readonly Segment[], i: number, location: JsonLocation, j: number): boolean {
  const segment = segments[i];
  if (!segment) return j === location.length;
  if (!segment.descendant) {
    return (
      j < location.length &&
      selects(segment.selector, location[j] as string | number) &&
      matchFrom(segments, i + 1, location, j + 1)
    );
  }
  for (let k = j; k < location.length; k++) {
    if (selects(segment.selector, location[k] as string | number) && matchFrom(segments, i + 1, location, k + 1))
      return true;
  }
  return false;
}
