/**
 * The first name that appears twice in one object of a valid JSON text, or undefined. JSON.parse keeps the last of
 * them; other parsers keep the first or refuse the text (RFC 8259 §4: names SHOULD be unique). A policy that reads
 * `{"role": "viewer", "role": "admin"}` one way lets the upstream read it the other. Names are compared decoded
 * (`"r\u006fle"` is `role`). Linear in the text; the text must already have parsed.
 */
export function duplicateJsonKey(text: string): string | undefined {
  // One entry per open container: the names seen so far for an object, undefined for an array.
  const open: Array<Set<string> | undefined> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const names = open[open.length - 1];
      if (expectKey && names !== undefined) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (names.has(name)) return name;
        names.add(name);
      }
      expectKey = false;
      i = end;
    } else if (c === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      open.push(undefined);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      open.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = open[open.length - 1] !== undefined;
    }
  }
  return undefined;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}
