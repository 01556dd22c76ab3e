/**
 * A shell command line → the programs it runs, for `programs:` policy rules (DESIGN.md, configuration). Parsed
 * with a real POSIX/Bash parser (mvdan-sh), so pipes, `&&`/`||`/`;`, subshells, `$(…)`, backticks, functions,
 * here-documents and every other construct are walked by the parser's own tree walk; on top of that, commands
 * that run other commands are looked through: `sh -c '…'` (parsed again), `eval`, `env`, `sudo`, `xargs`,
 * `find -exec`, `nice`, `nohup`, `timeout`, `exec`, `command`, `builtin`, `su -c`, `watch`, `trap`, `alias`….
 *
 * Whatever cannot be known without running the line makes it `unparsed` (policy fails closed on that): a program
 * name from a variable or substitution (`$X args`), a glob in the program position (`/bin/r?`), `eval "$CMD"`,
 * a shell reading commands from a pipe (`curl … | sh`), a syntax error.
 */
import type { ProgramAction, UnparsedAction } from '../policy/policy.types';
import { parseOptions } from './command-options';
import { type Inner, unwrap, unwrapFlock, unwrapSu, unwrapWatch, WRAPPERS, withPlaceholder } from './command-wrappers';
import {
  type AssignNode,
  type BinaryCmdNode,
  BinCmdOp,
  type CallExprNode,
  type FileNode,
  isParseError,
  nodeType,
  type RedirectNode,
  RedirOp,
  type StmtNode,
  spanKey,
  syntax,
} from './shell-ast';
import { literalWord, resolveWord, type ShellWord } from './shell-words';

export interface ShellProgram {
  /** Base name, as rules match it: `rm`. */
  program: string;
  /** As written, after quote removal: `/bin/rm`, `./rm`. */
  path: string;
  /** Arguments after quote removal; an argument known only at run time is given as written (`$X`). */
  args: string[];
}

export interface ShellCommand {
  programs: ShellProgram[];
  /** Something in the line can only be known by running it: policy must not treat the list as complete. */
  unparsed: boolean;
  reason?: string;
  /** Valid so far but unfinished (open quote, `do` without `done`, trailing `|`): more lines would complete it. */
  incomplete?: boolean;
  /** A shell in the line reads its commands from the session's input (`ssh host bash`): judge that input too. */
  readsStdin?: boolean;
}

/** Where a statement's standard input comes from, as far as the line says. */
type Stdin = { kind: 'session' } | { kind: 'stream' } | { kind: 'file' } | { kind: 'doc'; text: ShellWord };

const MAX_DEPTH = 8;
const MAX_SOURCE_BYTES = 64 * 1024;
const SHELLS = new Set([
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'mksh',
  'lksh',
  'ash',
  'posh',
  'yash',
  'rbash',
  'csh',
  'tcsh',
  'fish',
]);
/** Bash evaluates these when it prints a prompt: command substitutions in them run then. */
const PROMPT_VARIABLES = new Set(['PS0', 'PS1', 'PS2', 'PS4']);

/** Parses `line` as Bash and lists every program it would run. Never throws. */
export function parseShellCommand(line: string): ShellCommand {
  const analysis = new Analysis();
  const incomplete = analysis.source(line, { kind: 'session' }, 0);
  const result: ShellCommand = { programs: analysis.programs, unparsed: analysis.reasons.length > 0 };
  if (analysis.reasons.length > 0) result.reason = analysis.reasons.join('; ');
  if (incomplete) result.incomplete = true;
  if (analysis.readsStdin) result.readsStdin = true;
  return result;
}

/** The policy engine's view: one `program` action per program, plus an `unparsed` action when the list is not complete. */
export function shellActions(line: string): {
  actions: Array<ProgramAction | UnparsedAction>;
  unparsed: boolean;
  reason?: string;
} {
  const parsed = parseShellCommand(line);
  const actions: Array<ProgramAction | UnparsedAction> = parsed.programs.map((p) => ({
    type: 'program',
    program: p.program,
    args: p.args,
  }));
  if (!parsed.unparsed) return { actions, unparsed: false };
  const reason = parsed.reason ?? 'the command line could not be analysed';
  actions.push({ type: 'unparsed', reason });
  return { actions, unparsed: true, reason };
}

/**
 * The shell half of the policy step, in the shape the policy gate's CommandInterpreter returns: programs as
 * actions, `unparsed` when the line is not fully known, `empty` when nothing would run (a blank line, `X=1`).
 * Nothing is read-only here: even `cat` can write (`cat > file`), so every decision is audited.
 */
export function shellInterpretation(line: string): {
  actions: Array<ProgramAction | UnparsedAction>;
  unparsed: boolean;
  empty: boolean;
  readOnly: false;
  kinds: string[];
} {
  const { actions, unparsed } = shellActions(line);
  const kinds = [...new Set(actions.flatMap((a) => (a.type === 'program' ? [a.program] : [])))];
  return { actions, unparsed, empty: !unparsed && kinds.length === 0, readOnly: false, kinds };
}

class Analysis {
  readonly programs: ShellProgram[] = [];
  readonly reasons: string[] = [];
  readsStdin = false;

  /** Analyses shell source; returns whether it was incomplete (only meaningful at the top level). */
  source(text: string, stdin: Stdin, depth: number): boolean {
    if (Buffer.byteLength(text) > MAX_SOURCE_BYTES) {
      this.unparsed(`command longer than ${MAX_SOURCE_BYTES} bytes`);
      return false;
    }
    let file: FileNode;
    try {
      file = syntax.NewParser().Parse(text, '') as FileNode;
    } catch (err) {
      if (!isParseError(err)) throw err;
      this.unparsed(`shell syntax: ${err.Error()}`);
      return err.Incomplete;
    }
    this.walk(file, Buffer.from(text, 'utf8'), stdin, depth);
    return false;
  }

  private walk(file: FileNode, src: Buffer, stdin: Stdin, depth: number): void {
    // Statements whose input is set by an enclosing pipe or redirection, by span (wrappers are not comparable).
    const inputs = new Map<string, Stdin>();
    syntax.Walk(file, (node) => {
      if (!node) return true;
      switch (nodeType(node)) {
        case 'BinaryCmd': {
          const bin = node as BinaryCmdNode;
          if (bin.Op === BinCmdOp.pipe || bin.Op === BinCmdOp.pipeAll) markInput(bin.Y, { kind: 'stream' }, inputs);
          break;
        }
        case 'Stmt':
          this.statement(node as StmtNode, src, inputs.get(spanKey(node)) ?? stdin, inputs, depth);
          break;
        case 'Assign':
          this.assignment(node as AssignNode, src, depth);
          break;
      }
      return true;
    });
  }

  private statement(stmt: StmtNode, src: Buffer, inherited: Stdin, inputs: Map<string, Stdin>, depth: number): void {
    const own = redirectedInput(stmt.Redirs, src);
    const cmd = stmt.Cmd;
    if (!cmd) return;
    if (nodeType(cmd) !== 'CallExpr') {
      // `{ sh; } <<EOF`: the statements inside read what the group reads.
      if (own) markInput(stmt, own, inputs);
      return;
    }
    const argv = (cmd as CallExprNode).Args.map((w) => resolveWord(w, src));
    this.argv(argv, false, own ?? inherited, depth);
  }

  private assignment(assign: AssignNode, src: Buffer, depth: number): void {
    const name = assign.Name?.Value;
    if (!name || !assign.Value) return;
    const word = resolveWord(assign.Value, src);
    if (name === 'PROMPT_COMMAND') this.script('PROMPT_COMMAND', word, { kind: 'session' }, depth);
    else if (PROMPT_VARIABLES.has(name) && word.value !== undefined && /\$\(|`/.test(word.value))
      this.source(`_="${word.value.replace(/(["\\])/g, '\\$1')}"`, { kind: 'session' }, depth + 1);
  }

  /** One simple command: its program, then whatever that program runs. */
  private argv(argv: ShellWord[], appended: boolean, stdin: Stdin, depth: number): void {
    const head = argv[0];
    if (!head) {
      if (appended) this.unparsed('the program to run is read from input at run time');
      return;
    }
    if (head.value === undefined || head.pattern) {
      this.unparsed(`the program name is computed at run time: ${head.raw}`);
      return;
    }
    const path = head.value;
    const program = path.slice(path.lastIndexOf('/') + 1);
    if (program === '') {
      this.unparsed(`not a program name: ${head.raw}`);
      return;
    }
    const args = argv.slice(1);
    this.programs.push({ program, path, args: args.map((a) => a.value ?? a.raw) });
    if (depth >= MAX_DEPTH) {
      this.unparsed('commands nested too deeply');
      return;
    }
    this.inner(program, args, appended, stdin, depth);
  }

  private inner(program: string, args: ShellWord[], appended: boolean, stdin: Stdin, depth: number): void {
    if (SHELLS.has(program)) {
      this.shell(program, args, appended, stdin, depth);
      return;
    }
    switch (program) {
      case 'eval':
        this.evalArgs(args, appended, stdin, depth);
        return;
      case 'find':
        this.find(args, stdin, depth);
        return;
      case 'source':
      case '.':
        this.sourced(program, args, stdin, depth);
        return;
      case 'trap':
        this.trap(args, depth);
        return;
      case 'alias':
        for (const a of args) this.alias(a, depth);
        return;
      case 'su':
      case 'runuser':
        this.follow(program, unwrapSu(program, args), appended, stdin, depth);
        return;
      case 'flock':
        this.follow(program, unwrapFlock(args), appended, stdin, depth);
        return;
      case 'watch':
        this.follow(program, unwrapWatch(args), appended, stdin, depth);
        return;
    }
    const spec = WRAPPERS[program];
    if (spec) this.follow(program, unwrap(program, args, spec), appended, stdin, depth);
  }

  private follow(program: string, inner: Inner, appended: boolean, stdin: Stdin, depth: number): void {
    switch (inner.kind) {
      case 'argv':
        this.argv(inner.argv, appended || inner.appended, stdin, depth + 1);
        return;
      case 'script':
        this.script(program, inner.text, stdin, depth);
        return;
      case 'nothing':
        if (appended) this.unparsed(`${program} gets its command from input at run time`);
        return;
      case 'unknown':
        this.unparsed(inner.reason);
        return;
    }
  }

  private script(program: string, text: ShellWord, stdin: Stdin, depth: number): void {
    if (text.value === undefined) this.unparsed(`${program} runs a command computed at run time: ${text.raw}`);
    else this.source(text.value, stdin, depth + 1);
  }

  /** `sh -c 'string' [name args…]`, `sh script`, or `sh` reading commands from its input. */
  private shell(program: string, args: ShellWord[], appended: boolean, stdin: Stdin, depth: number): void {
    const parsed = parseOptions(args, 0, { short: 'oO', long: ['rcfile', 'init-file', 'command'], plusOptions: true });
    const fishCommand = parsed.seen.get('command');
    if (fishCommand) {
      this.script(program, fishCommand, stdin, depth);
      return;
    }
    if (parsed.seen.has('c')) {
      const text = args[parsed.next];
      if (text) this.script(program, text, stdin, depth);
      else if (appended) this.unparsed(`${program} -c gets its command from input at run time`);
      return;
    }
    if (parsed.dynamic) {
      this.unparsed(`${program}: options computed at run time`);
      return;
    }
    if (appended) {
      this.unparsed(`${program} gets its arguments from input at run time`);
      return;
    }
    if (parsed.next < args.length && !parsed.seen.has('s')) return; // runs a script file: policy sees the shell
    this.commandsFromInput(program, stdin, depth);
  }

  private commandsFromInput(program: string, stdin: Stdin, depth: number): void {
    switch (stdin.kind) {
      case 'session':
        this.readsStdin = true;
        return;
      case 'stream':
        this.unparsed(`${program} reads commands from a pipe or descriptor`);
        return;
      case 'file':
        return;
      case 'doc':
        this.script(program, stdin.text, { kind: 'stream' }, depth);
        return;
    }
  }

  private evalArgs(args: ShellWord[], appended: boolean, stdin: Stdin, depth: number): void {
    if (appended || args.some((a) => a.value === undefined)) {
      this.unparsed(`eval runs a command computed at run time: ${args.map((a) => a.raw).join(' ')}`);
      return;
    }
    if (args.length > 0) this.source(args.map((a) => a.value).join(' '), stdin, depth + 1);
  }

  /**
   * `find … -exec prog args {} ;` (also -execdir, -ok, -okdir); `{}` is a found path, known at run time. `-delete`
   * removes what it finds, as `rm` does: a policy about `rm` sees it as one.
   */
  private find(args: ShellWord[], stdin: Stdin, depth: number): void {
    const split = args.find((a) => a.split);
    if (split) {
      this.unparsed(`find arguments computed at run time could add -exec: ${split.raw}`);
      return;
    }
    if (args.some((a) => a.value === '-delete'))
      this.programs.push({ program: 'rm', path: 'find', args: args.map((a) => a.value ?? a.raw) });
    for (let i = 0; i < args.length; i++) {
      const v = args[i]?.value;
      if (v !== '-exec' && v !== '-execdir' && v !== '-ok' && v !== '-okdir') continue;
      let end = i + 1;
      while (end < args.length && args[end]?.value !== ';' && args[end]?.value !== '+') end++;
      const argv = args.slice(i + 1, end).map((w) => withPlaceholder(w, '{}'));
      this.argv(argv, false, stdin, depth + 1);
      i = end;
    }
  }

  /**
   * `source FILE` / `. FILE`: commands read from a file and run in this shell. From the input (`/dev/stdin`, a
   * here-document) they are judged as `sh` reading them is; from another descriptor or a file named at run time
   * (`<(…)`) they cannot be known; a file on disk is like `sh script`: policy sees the program.
   */
  private sourced(program: string, args: ShellWord[], stdin: Stdin, depth: number): void {
    const file = args[0];
    if (!file) return;
    if (file.value === undefined) {
      this.unparsed(`${program} reads commands from a file named at run time: ${file.raw}`);
      return;
    }
    if (/^\/dev\/stdin$|^\/dev\/fd\/0$|^\/proc\/self\/fd\/0$/.test(file.value))
      this.commandsFromInput(program, stdin, depth);
    else if (/^\/dev\/fd\/|^\/proc\/[^/]+\/fd\//.test(file.value))
      this.unparsed(`${program} reads commands from a pipe or descriptor`);
  }

  /** `trap 'action' SIGNAL…`: the action runs later, in this shell. */
  private trap(args: ShellWord[], depth: number): void {
    const parsed = parseOptions(args, 0, {});
    if (parsed.seen.has('l') || parsed.seen.has('p')) return;
    const operands = args.slice(parsed.next);
    const action = operands[0];
    if (!action || operands.length < 2 || action.value === '-' || action.value === '') return;
    this.script('trap', action, { kind: 'session' }, depth);
  }

  /** `alias name='value'`: judged as if the value ran, since the next line may use it. */
  private alias(arg: ShellWord, depth: number): void {
    if (arg.value === undefined) {
      this.unparsed(`alias defined at run time: ${arg.raw}`);
      return;
    }
    const eq = arg.value.indexOf('=');
    if (eq > 0) this.source(arg.value.slice(eq + 1), { kind: 'session' }, depth + 1);
  }

  private unparsed(reason: string): void {
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
  }
}

/** Marks every statement inside `stmt` (itself included) as reading `input`. */
function markInput(stmt: StmtNode, input: Stdin, inputs: Map<string, Stdin>): void {
  syntax.Walk(stmt, (node) => {
    if (node && nodeType(node) === 'Stmt') inputs.set(spanKey(node), input);
    return true;
  });
}

/** Standard input as the statement's own redirections set it (the last one for fd 0 wins), if they do. */
function redirectedInput(redirs: RedirectNode[], src: Buffer): Stdin | undefined {
  let input: Stdin | undefined;
  for (const r of redirs) {
    if ((r.N?.Value ?? '0') !== '0') continue;
    switch (r.Op) {
      case RedirOp.hdoc:
      case RedirOp.dashHdoc:
        input = { kind: 'doc', text: r.Hdoc ? resolveWord(r.Hdoc, src) : literalWord('') };
        break;
      case RedirOp.wordHdoc:
        input = { kind: 'doc', text: r.Word ? resolveWord(r.Word, src) : literalWord('') };
        break;
      case RedirOp.in:
      case RedirOp.inOut:
        input = { kind: 'file' };
        break;
      case RedirOp.dupIn:
        input = { kind: 'stream' };
        break;
    }
  }
  return input;
}
