/**
 * The cache key of a statement: its text with every numeric literal replaced by `0`, so that
 * `… WHERE aid = 17` and `… WHERE aid = 42` share one classification (agents and ORMs inline ids).
 * Numbers never change what a statement does to the policy (kinds, tables, function categories), while
 * string literals can (`set_config('role', …)`, `query_to_xml('…')`), so strings are kept as they are.
 * Returns undefined (use the exact text) for anything this small lexer does not fully understand:
 * escape strings, dollar quotes, backslashes, Unicode escapes.
 * @see https://www.postgresql.org/docs/current/sql-syntax-lexical.html
 */
export function numericShape(sql: string): string | undefined {
  const n = sql.length;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 0x27 /* ' */) {
      i = skipQuoted(sql, i, 0x27);
      if (i < 0) return undefined;
    } else if (c === 0x22 /* " */) {
      i = skipQuoted(sql, i, 0x22);
      if (i < 0) return undefined;
    } else if (c === 0x2d /* - */ && sql.charCodeAt(i + 1) === 0x2d) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === 0x2f /* / */ && sql.charCodeAt(i + 1) === 0x2a /* * */) {
      i = skipBlockComment(sql, i);
      if (i < 0) return undefined;
    } else if (c === 0x24 /* $ */) {
      // $1 parameters are fine; anything else may open a dollar-quoted string.
      if (!isDigit(sql.charCodeAt(i + 1))) return undefined;
      i++;
      while (isDigit(sql.charCodeAt(i))) i++;
    } else if (c === 0x5c /* \ */) {
      return undefined;
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++;
      // A letter right before a quote makes an E'', U&'', B'' or X'' string: not ours to read.
      if (sql.charCodeAt(i) === 0x27 || (sql.charCodeAt(i) === 0x26 && i - start === 1)) return undefined;
    } else if (isDigit(c) || (c === 0x2e /* . */ && isDigit(sql.charCodeAt(i + 1)))) {
      const start = i;
      i = skipNumber(sql, i);
      if (i < n && isIdentPart(sql.charCodeAt(i))) return undefined; // `1abc`: unusual, leave exact
      out += `${sql.slice(copied, start)}0`;
      copied = i;
    } else {
      i++;
    }
  }
  return copied === 0 ? sql : out + sql.slice(copied);
}

function skipQuoted(sql: string, i: number, quote: number): number {
  for (let j = i + 1; j < sql.length; j++) {
    if (sql.charCodeAt(j) !== quote) continue;
    if (sql.charCodeAt(j + 1) === quote) {
      j++;
      continue;
    }
    return j + 1;
  }
  return -1;
}

function skipBlockComment(sql: string, i: number): number {
  let depth = 0;
  for (let j = i; j < sql.length - 1; j++) {
    if (sql.charCodeAt(j) === 0x2f && sql.charCodeAt(j + 1) === 0x2a) {
      depth++;
      j++;
    } else if (sql.charCodeAt(j) === 0x2a && sql.charCodeAt(j + 1) === 0x2f) {
      depth--;
      j++;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

function skipNumber(sql: string, i: number): number {
  if (sql.charCodeAt(i) === 0x30 && /[xXoObB]/.test(sql[i + 1] ?? '')) {
    i += 2;
    while (i < sql.length && /[0-9a-fA-F_]/.test(sql[i] as string)) i++;
    return i;
  }
  while (isDigit(sql.charCodeAt(i)) || sql.charCodeAt(i) === 0x5f || sql.charCodeAt(i) === 0x2e) i++;
  if (sql.charCodeAt(i) === 0x65 || sql.charCodeAt(i) === 0x45) {
    const sign = sql.charCodeAt(i + 1) === 0x2b || sql.charCodeAt(i + 1) === 0x2d ? 1 : 0;
    if (isDigit(sql.charCodeAt(i + 1 + sign))) {
      i += 1 + sign;
      while (isDigit(sql.charCodeAt(i))) i++;
    }
  }
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isIdentStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c > 0x7f;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 0x24;
}
