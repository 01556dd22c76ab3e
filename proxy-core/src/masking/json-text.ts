/** Where spans of a JSON text fall: inside a string literal, or on a bare number / literal. */

/** For each span (sorted by start), whether it starts inside a JSON string. One pass over `text`. */
export function spansInStrings(text: string, starts: readonly number[]): boolean[] {
  const out: boolean[] = [];
  let inString = false;
  let next = 0;
  for (let i = 0; i < text.length && next < starts.length; i++) {
    while (next < starts.length && (starts[next] as number) <= i) {
      out.push(inString);
      next++;
    }
    const c = text.charCodeAt(i);
    if (inString && c === 92)
      i++; // skip the escaped character
    else if (c === 34) inString = !inString;
  }
  while (out.length < starts.length) out.push(inString);
  return out;
}
