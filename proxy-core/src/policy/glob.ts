/**
 * Glob patterns of policy rules (DESIGN.md: `"*"` matches any value). For names `*` matches any run of
 * characters. For paths (`separator: '/'`) `*` stays within one segment and `**` crosses segments, so
 * `/iam/**` matches `/iam/users/7` and `/iam` itself.
 */
export type Matcher = (value: string) => boolean;

const REGEX_SPECIAL = /[.+?^${}()|[\]\\]/g;

export function compileGlob(pattern: string, options: { separator?: '/'; ignoreCase?: boolean } = {}): Matcher {
  if (pattern === '*' || (options.separator !== undefined && pattern === '**')) return () => true;
  if (!pattern.includes('*')) {
    if (options.ignoreCase) {
      const p = pattern.toLowerCase();
      return (v) => v.toLowerCase() === p;
    }
    return (v) => v === pattern;
  }
  const re = new RegExp(`^${globSource(pattern, options.separator)}$`, options.ignoreCase ? 'i' : '');
  return (v) => re.test(v);
}

function globSource(pattern: string, separator: '/' | undefined): string {
  if (separator === undefined) return pattern.split('*').map(escapeRegex).join('.*');
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c !== '*') {
      out += escapeRegex(c);
    } else if (pattern[i + 1] === '*') {
      i++;
      // `/x/**` also matches `/x`: the separator before `**` is optional.
      if (out.endsWith('/')) out = `${out.slice(0, -1)}(?:/.*)?`;
      else out += '.*';
    } else {
      out += '[^/]*';
    }
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(REGEX_SPECIAL, '\\$&');
}

/** One matcher for a list of patterns: true when any matches. */
export function compileGlobList(
  patterns: readonly string[],
  options?: { separator?: '/'; ignoreCase?: boolean },
): Matcher {
  const matchers = patterns.map((p) => compileGlob(p, options));
  if (matchers.length === 1) return matchers[0] as Matcher;
  return (v) => matchers.some((m) => m(v));
}
