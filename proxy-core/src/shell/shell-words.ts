/**
 * Words as the shell would see them after quote removal, when that can be known without running anything:
 * `r''m`, `"rm"`, `\rm`, `$'\x72m'` and `r\<newline>m` all read `rm`. A word with an expansion (`$X`, `$(…)`,
 * `$((…))`) has no static value; an unquoted glob or brace pattern (`r*`, `{rm,x}`) is marked as one, since the
 * shell would replace it with what it matches.
 * @see https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_02 (quoting)
 */
import type { ShNode } from 'mvdan-sh';
import { type DblQuotedNode, type LitNode, nodeType, type SglQuotedNode, type WordNode } from './shell-ast';

export interface ShellWord {
  /** The word after quote removal; undefined when it depends on an expansion done at run time. */
  value: string | undefined;
  /** The word as written. */
  raw: string;
  /** Unquoted glob, brace or `~user` syntax: the shell may turn it into other words. */
  pattern: boolean;
  /** An unquoted expansion: word splitting may turn it into several words (`$X` → `-exec rm {} ;`). */
  split?: boolean;
}

/** A word from an argument list, given the source's UTF-8 bytes (node offsets are byte offsets). */
export function resolveWord(word: WordNode, src: Buffer): ShellWord {
  const raw = src.subarray(word.Pos().Offset(), word.End().Offset()).toString('utf8');
  let value: string | undefined = '';
  let pattern = false;
  let split = false;
  word.Parts.forEach((part, i) => {
    const piece = partValue(part, i === 0);
    if (piece.pattern) pattern = true;
    if (piece.value === undefined && nodeType(part) !== 'DblQuoted') split = true;
    value = value === undefined || piece.value === undefined ? undefined : value + piece.value;
  });
  return { value, raw, pattern, split };
}

/** A literal word made up by the analysis (e.g. from a split string). */
export function literalWord(value: string): ShellWord {
  return { value, raw: value, pattern: false };
}

function partValue(part: ShNode, first: boolean): { value: string | undefined; pattern: boolean } {
  switch (nodeType(part)) {
    case 'Lit':
      return unquotedLiteral((part as LitNode).Value, first);
    case 'SglQuoted': {
      const q = part as SglQuotedNode;
      return { value: q.Dollar ? decodeAnsiC(q.Value) : q.Value, pattern: false };
    }
    case 'DblQuoted': {
      let value: string | undefined = '';
      for (const inner of (part as DblQuotedNode).Parts) {
        if (nodeType(inner) !== 'Lit') return { value: undefined, pattern: false };
        value += unescapeDoubleQuoted((inner as LitNode).Value);
      }
      return { value, pattern: false };
    }
    default:
      // ParamExp, CmdSubst, ArithmExp, ProcSubst, ExtGlob, BraceExp: known only when the shell runs.
      return { value: undefined, pattern: nodeType(part) === 'ExtGlob' || nodeType(part) === 'BraceExp' };
  }
}

/** Unquoted text: a backslash quotes the next character, backslash-newline disappears. */
function unquotedLiteral(text: string, first: boolean): { value: string; pattern: boolean } {
  let value = '';
  let pattern = first && text.startsWith('~') && !/^~[^/]*\//.test(text) && text !== '~';
  let braceOpen = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      i++;
      if (next !== undefined && next !== '\n') value += next;
      continue;
    }
    if (c === '*' || c === '?' || c === '[') pattern = true;
    if (c === '{') braceOpen = true;
    if (braceOpen && (c === ',' || (c === '.' && text[i + 1] === '.'))) pattern = true;
    value += c;
  }
  return { value, pattern };
}

/** Inside double quotes a backslash quotes only `$`, `` ` ``, `"`, `\` and newline. */
export function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/**
 * Bash's `$'…'`: C escapes, octal, hex, Unicode and control characters.
 * @see https://www.gnu.org/software/bash/manual/html_node/ANSI_002dC-Quoting.html
 */
export function decodeAnsiC(text: string): string {
  return text.replace(
    /\\(?:([abeEfnrtv\\'"?])|([0-7]{1,3})|x([0-9a-fA-F]{1,2})|u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8})|c(.))/g,
    (m, simple?: string, oct?: string, hex?: string, u4?: string, u8?: string, ctl?: string) => {
      if (simple !== undefined) return SIMPLE_ESCAPES[simple] ?? m;
      if (oct !== undefined) return String.fromCharCode(Number.parseInt(oct, 8) & 0xff);
      if (hex !== undefined) return String.fromCharCode(Number.parseInt(hex, 16));
      const code = u4 ?? u8;
      if (code !== undefined) {
        const cp = Number.parseInt(code, 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      return String.fromCharCode((ctl as string).charCodeAt(0) & 0x1f);
    },
  );
}
