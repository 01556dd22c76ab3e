// Pure: no Node, DOM or SQLite imports, so the CLI, evidence packets and the browser share it.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Canonical JSON after RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, numbers and
 * strings as ECMAScript JSON.stringify writes them. Object properties whose value is undefined are left out
 * (as JSON.stringify does); anything else that is not plain JSON (functions, bigint, NaN/Infinity, Dates,
 * Maps, class instances, cycles, undefined in arrays) throws a TypeError naming the path, so what is hashed
 * is always exactly what a reader parses back.
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

/** Parse-back form of `value`: what a reader of canonicalJson(value) sees. */
export function toJsonValue(value: unknown): JsonValue {
  return JSON.parse(canonicalJson(value)) as JsonValue;
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      return writeContainer(value, path, ancestors);
    default:
      throw new TypeError(`${path}: a ${typeof value} is not JSON`);
  }
}

function writeContainer(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new TypeError(`${path}: cycle`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      // An index loop, not map(): map skips holes and would write invalid JSON.
      for (let i = 0; i < value.length; i++) items.push(writeArrayItem(value[i], `${path}[${i}]`, ancestors));
      return `[${items.join(',')}]`;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path}: only plain objects are JSON`);
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`, ancestors)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function writeArrayItem(item: unknown, path: string, ancestors: Set<object>): string {
  if (item === undefined) throw new TypeError(`${path}: undefined is not JSON`);
  return write(item, path, ancestors);
}
