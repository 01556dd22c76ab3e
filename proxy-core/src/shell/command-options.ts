/**
 * getopt-style option scanning over shell words, enough to find where a wrapper's own options end and the
 * command it runs begins (`sudo -u root -- rm` → `rm`).
 */
import type { ShellWord } from './shell-words';

export interface OptionSpec {
  /** Short option letters that take a value: `-u root` or `-uroot`. */
  short?: string;
  /** Short option letters whose value is optional and glued on (`xargs -i{}`): the rest of the cluster. */
  shortOptional?: string;
  /** Long options (without `--`) that take a value: `--user root` or `--user=root`. */
  long?: readonly string[];
  /** A lone `-` is an option (`env -` is `env -i`), not an operand. */
  dashIsOption?: boolean;
  /** `+x` clusters are options too (shells). */
  plusOptions?: boolean;
}

export interface ParsedOptions {
  /** Index of the first operand, or `args.length`. */
  next: number;
  /** Options seen, short letter or long name → value (undefined for a flag or a missing value). */
  seen: Map<string, ShellWord | undefined>;
  /** An option position held a word known only at run time: where the options end is unknown. */
  dynamic: boolean;
}

/** Scans options from `start`, stopping at the first operand or after `--` (POSIX order, as wrappers need). */
export function parseOptions(args: readonly ShellWord[], start: number, spec: OptionSpec): ParsedOptions {
  const seen = new Map<string, ShellWord | undefined>();
  let i = start;
  while (i < args.length) {
    const word = args[i] as ShellWord;
    const v = word.value;
    if (v === undefined || word.pattern) return { next: i, seen, dynamic: true };
    if (v === '--') return { next: i + 1, seen, dynamic: false };
    if (v === '-' && spec.dashIsOption) {
      seen.set('-', undefined);
      i++;
      continue;
    }
    if (v.startsWith('--') && v.length > 2) {
      i = longOption(args, i, v.slice(2), spec, seen);
      continue;
    }
    const isOption = v.length > 1 && (v.startsWith('-') || (spec.plusOptions === true && v.startsWith('+')));
    if (!isOption) break;
    i = shortCluster(args, i, v, spec, seen);
  }
  return { next: i, seen, dynamic: false };
}

function longOption(
  args: readonly ShellWord[],
  i: number,
  body: string,
  spec: OptionSpec,
  seen: ParsedOptions['seen'],
): number {
  const eq = body.indexOf('=');
  if (eq >= 0) {
    const value = body.slice(eq + 1);
    seen.set(body.slice(0, eq), { value, raw: value, pattern: false });
    return i + 1;
  }
  if (spec.long?.includes(body)) {
    seen.set(body, args[i + 1]);
    return i + 2;
  }
  seen.set(body, undefined);
  return i + 1;
}

function shortCluster(
  args: readonly ShellWord[],
  i: number,
  v: string,
  spec: OptionSpec,
  seen: ParsedOptions['seen'],
): number {
  for (let j = 1; j < v.length; j++) {
    const letter = v[j] as string;
    const rest = v.slice(j + 1);
    if (spec.short?.includes(letter)) {
      if (rest !== '') {
        seen.set(letter, { value: rest, raw: rest, pattern: false });
        return i + 1;
      }
      seen.set(letter, args[i + 1]);
      return i + 2;
    }
    if (spec.shortOptional?.includes(letter)) {
      seen.set(letter, rest === '' ? undefined : { value: rest, raw: rest, pattern: false });
      return i + 1;
    }
    seen.set(letter, undefined);
  }
  return i + 1;
}

/** Whether any of `names` (short letters or long names) was seen. */
export function sawAny(parsed: ParsedOptions, names: readonly string[] | undefined): boolean {
  return names?.some((n) => parsed.seen.has(n)) ?? false;
}

/** The value of the first of `names` that was seen with a value. */
export function optionValue(parsed: ParsedOptions, names: readonly string[]): ShellWord | undefined {
  for (const n of names) {
    const v = parsed.seen.get(n);
    if (v) return v;
  }
  return undefined;
}
