import { StoreError } from './store-error';

const MAX_QUERY_CHARS = 1000;
const MAX_WORDS = 32;
// The trigram tokenizer cannot match fewer than three characters; such words go to LIKE instead.
// @see https://sqlite.org/fts5.html#the_trigram_tokenizer
const MIN_FTS_CHARS = 3;

/**
 * A search over command text with no query language: every word (split on whitespace and control characters) must occur in the
 * command, as a case-insensitive substring. `fts` is an FTS5 MATCH expression in which each word is a
 * double-quoted string (quotes doubled), so user input is never read as FTS5 syntax (`NEAR(`, `*`, `OR`,
 * column filters); it is absent when some word is too short for the trigram index.
 */
export interface CommandSearch {
  words: string[];
  fts?: string;
}

export function compileCommandSearch(q: string): CommandSearch | undefined {
  if (q.length > MAX_QUERY_CHARS) {
    throw new StoreError('invalid_input', `q: search text is longer than ${MAX_QUERY_CHARS} characters`);
  }
  // Control characters separate words too: SQLite ends a LIKE pattern at NUL, so "\0" would match everything.
  const words = q.split(/[\s\p{Cc}]+/u).filter((w) => w !== '');
  if (words.length === 0) return undefined;
  if (words.length > MAX_WORDS) throw new StoreError('invalid_input', `q: more than ${MAX_WORDS} words`);
  if (words.some((w) => [...w].length < MIN_FTS_CHARS)) return { words };
  return { words, fts: words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ') };
}

/** `%word%` for `LIKE ? ESCAPE '\'`, with LIKE's own wildcards taken literally. */
export function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
}
