/**
 * Programs that run another program: what each one runs, so that policy sees `rm` in `sudo -u x nice -n 5 rm`.
 * Option letters follow the GNU coreutils / util-linux / sudo manuals; where an option's meaning could hide a
 * command, it is listed so the scan does not mistake a value for the command.
 */
import { type OptionSpec, optionValue, type ParsedOptions, parseOptions, sawAny } from './command-options';
import { literalWord, type ShellWord } from './shell-words';

/** What a wrapper runs. */
export type Inner =
  /** Another command line: argv[0] is the program. `appended`: more arguments are added at run time (xargs). */
  | { kind: 'argv'; argv: ShellWord[]; appended: boolean }
  /** A string the wrapper hands to a shell (`su -c`, `watch`, `env -S`). */
  | { kind: 'script'; text: ShellWord }
  | { kind: 'nothing' }
  | { kind: 'unknown'; reason: string };

interface WrapperSpec extends OptionSpec {
  /** Operands before the command: timeout's DURATION, chroot's NEWROOT, taskset's mask. */
  operands?: number;
  /** Options with which nothing is run (`command -v`, `sudo -l`). */
  noRun?: readonly string[];
  /** `NAME=value` words before the command set the environment (env, sudo). */
  assignments?: boolean;
  /** What runs when no command follows: an interactive shell (`sudo -s`, `chroot DIR`), or a fixed program. */
  withoutCommand?: { program: string; onlyWith?: readonly string[] };
  /** Options whose value is a command string run by a shell. */
  commandString?: readonly string[];
  /** Input words are appended to the command at run time. */
  appendsInput?: boolean;
  /** Options whose value is a placeholder replaced by input at run time (`xargs -I {}`). */
  replaceOption?: readonly string[];
}

const SHELL = { program: 'sh' } as const;

export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  sudo: {
    short: 'ugCDprtUThR',
    long: [
      'user',
      'group',
      'close-from',
      'chdir',
      'prompt',
      'role',
      'type',
      'command-timeout',
      'other-user',
      'host',
      'chroot',
    ],
    assignments: true,
    noRun: ['l', 'list', 'v', 'validate', 'e', 'edit', 'V', 'version', 'K', 'remove-timestamp'],
    withoutCommand: { program: 'sh', onlyWith: ['s', 'shell', 'i', 'login'] },
  },
  doas: { short: 'uC', noRun: ['C'], withoutCommand: { program: 'sh', onlyWith: ['s'] } },
  pkexec: { long: ['user'], withoutCommand: SHELL },
  env: {
    short: 'uCS',
    long: ['unset', 'chdir', 'split-string'],
    assignments: true,
    dashIsOption: true,
    commandString: ['S', 'split-string'],
  },
  nice: { short: 'n', long: ['adjustment'] },
  nohup: {},
  setsid: {},
  unbuffer: {},
  stdbuf: { short: 'ioe', long: ['input', 'output', 'error'] },
  timeout: { short: 'sk', long: ['signal', 'kill-after'], operands: 1 },
  time: { short: 'fo', long: ['format', 'output'] },
  exec: { short: 'a' },
  command: { noRun: ['v', 'V'] },
  builtin: {},
  chroot: { long: ['userspec', 'groups'], operands: 1, withoutCommand: SHELL },
  ionice: {
    short: 'cnpPu',
    long: ['class', 'classdata', 'pid', 'pgid', 'uid'],
    noRun: ['p', 'P', 'u', 'pid', 'pgid', 'uid'],
  },
  taskset: { operands: 1, noRun: ['p', 'pid'] },
  chrt: { short: 'TPD', operands: 1, noRun: ['p', 'pid'] },
  strace: { short: 'abeEIoOpPsSuUX', noRun: ['p'] },
  xargs: {
    short: 'adEILnPs',
    shortOptional: 'eil',
    long: ['arg-file', 'delimiter', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
    withoutCommand: { program: 'echo' },
    appendsInput: true,
    replaceOption: ['I', 'i', 'replace'],
  },
  busybox: { noRun: ['list', 'list-full', 'install'] },
  toybox: {},
  script: {
    short: 'EIOBTm',
    long: ['log-in', 'log-out', 'log-io', 'log-timing', 'logging-format', 'echo'],
    commandString: ['c', 'command'],
  },
};

/** What `program` (a known wrapper) runs, given its arguments. */
export function unwrap(program: string, args: readonly ShellWord[], spec: WrapperSpec): Inner {
  const commandOptions = spec.commandString;
  const long = [...(spec.long ?? []), ...(commandOptions ?? []).filter((o) => o.length > 1)];
  const parsed = parseOptions(args, 0, { ...spec, short: `${spec.short ?? ''}${shortOf(commandOptions)}`, long });
  if (sawAny(parsed, spec.noRun)) return { kind: 'nothing' };
  const commandText = commandOptions ? optionValue(parsed, commandOptions) : undefined;
  if (commandText) return scriptWith(commandText, args.slice(parsed.next));
  if (parsed.dynamic) return { kind: 'unknown', reason: `${program}: options computed at run time` };
  let i = parsed.next;
  while (spec.assignments && i < args.length && isAssignment(args[i] as ShellWord)) i++;
  i += spec.operands ?? 0;
  if (i >= args.length) return withoutCommand(program, parsed, spec, i > args.length);
  let argv = args.slice(i);
  const placeholder = spec.replaceOption ? replacePlaceholder(parsed, spec.replaceOption) : undefined;
  if (placeholder !== undefined) argv = argv.map((w) => withPlaceholder(w, placeholder));
  return { kind: 'argv', argv, appended: spec.appendsInput === true && placeholder === undefined };
}

function shortOf(options: readonly string[] | undefined): string {
  return (options ?? []).filter((o) => o.length === 1).join('');
}

function scriptWith(text: ShellWord, rest: readonly ShellWord[]): Inner {
  if (rest.length === 0) return { kind: 'script', text };
  // `env -S 'rm -rf' /tmp/x`: the split string and the rest form one command line.
  const all = [text, ...rest];
  const value = all.every((w) => w.value !== undefined) ? all.map((w) => w.value).join(' ') : undefined;
  return { kind: 'script', text: { value, raw: all.map((w) => w.raw).join(' '), pattern: false } };
}

function withoutCommand(program: string, parsed: ParsedOptions, spec: WrapperSpec, missingOperand: boolean): Inner {
  const fallback = spec.withoutCommand;
  if (!fallback || missingOperand) return { kind: 'nothing' };
  if (fallback.onlyWith && !sawAny(parsed, fallback.onlyWith)) return { kind: 'nothing' };
  return { kind: 'argv', argv: [literalWord(fallback.program)], appended: program === 'xargs' };
}

/** `NAME=value` as env and sudo read it. */
export function isAssignment(word: ShellWord): boolean {
  return word.value !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word.value);
}

function replacePlaceholder(parsed: ParsedOptions, names: readonly string[]): string | undefined {
  for (const n of names) {
    if (!parsed.seen.has(n)) continue;
    // `-i` alone means `{}`; `-I` always has a value.
    return parsed.seen.get(n)?.value ?? '{}';
  }
  return undefined;
}

/** A word containing the placeholder becomes input data at run time. */
export function withPlaceholder(word: ShellWord, placeholder: string): ShellWord {
  if (word.value === undefined || placeholder === '' || !word.value.includes(placeholder)) return word;
  return { value: undefined, raw: word.raw, pattern: false };
}

/**
 * `su [options] [-] [user [args]]`: the command is the value of `-c` / `--command` wherever it appears (GNU
 * getopt permutes); `runuser -u user -- cmd` runs cmd directly.
 */
export function unwrapSu(program: string, args: readonly ShellWord[]): Inner {
  const spec: OptionSpec = {
    short: 'csgGwu',
    long: ['command', 'session-command', 'shell', 'group', 'supp-group', 'whitelist-environment', 'user'],
    dashIsOption: true,
  };
  let i = 0;
  const seen = new Map<string, ShellWord | undefined>();
  while (i < args.length) {
    const parsed = parseOptions(args, i, spec);
    for (const [k, v] of parsed.seen) seen.set(k, v);
    if (parsed.dynamic) return { kind: 'unknown', reason: `${program}: arguments computed at run time` };
    if (program === 'runuser' && seen.has('u')) {
      if (parsed.next >= args.length) return { kind: 'nothing' };
      return { kind: 'argv', argv: args.slice(parsed.next), appended: false };
    }
    i = parsed.next + 1; // skip one operand (the user or an argument) and keep scanning
  }
  const command = seen.get('c') ?? seen.get('command') ?? seen.get('session-command');
  return command ? { kind: 'script', text: command } : { kind: 'nothing' };
}

/** `flock [options] file cmd args…`, `flock [options] file -c 'cmd'`, or `flock [options] fd` (runs nothing). */
export function unwrapFlock(args: readonly ShellWord[]): Inner {
  const spec: OptionSpec = { short: 'wEc', long: ['timeout', 'conflict-exit-code', 'command'] };
  const parsed = parseOptions(args, 0, spec);
  const before = optionValue(parsed, ['c', 'command']);
  if (before) return { kind: 'script', text: before };
  if (parsed.dynamic) return { kind: 'unknown', reason: 'flock: options computed at run time' };
  const after = parseOptions(args, parsed.next + 1, spec);
  const command = optionValue(after, ['c', 'command']);
  if (command) return { kind: 'script', text: command };
  if (after.dynamic) return { kind: 'unknown', reason: 'flock: arguments computed at run time' };
  if (after.next >= args.length) return { kind: 'nothing' };
  return { kind: 'argv', argv: args.slice(after.next), appended: false };
}

/** `watch [options] command…`: the words are joined with spaces and run by `sh -c` (unless `-x`). */
export function unwrapWatch(args: readonly ShellWord[]): Inner {
  const parsed = parseOptions(args, 0, { short: 'nq', shortOptional: 'd', long: ['interval', 'differences'] });
  if (parsed.dynamic) return { kind: 'unknown', reason: 'watch: options computed at run time' };
  const rest = args.slice(parsed.next);
  if (rest.length === 0) return { kind: 'nothing' };
  if (sawAny(parsed, ['x', 'exec'])) return { kind: 'argv', argv: rest, appended: false };
  return scriptWith(rest[0] as ShellWord, rest.slice(1));
}
