import { ConfigError } from '../config/config';
import { type CliIo, processIo, UsageError } from './cli-io';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: {
    summary: 'run the gateway (--demo: embedded database, dev issuer, no setup)',
    load: async () => (await import('./serve-command')).serveCommand,
  },
  token: {
    summary: 'mint a development token (--dev --sub NAME --groups a,b [--ttl 1h])',
    load: async () => (await import('./token-command')).tokenCommand,
  },
  sessions: {
    summary: 'list recorded sessions [--json]',
    load: async () => (await import('./sessions-command')).sessionsCommand,
  },
  verify: {
    summary: 'verify a recording (.vrec) or evidence packet; exit 0 only if intact',
    load: async () => (await import('./verify-command')).verifyCommand,
  },
  policy: {
    summary: 'what the policy decides for a statement: policy test --connection C --principal P "SQL"',
    load: async () => (await import('./policy-command')).policyCommand,
  },
  approvals: {
    summary: "list held statements, approve ID or deny ID (--token: the approver's OIDC token)",
    load: async () => (await import('./approvals-command')).approvalsCommand,
  },
  export: {
    summary: 'write a signed evidence packet: export SESSION_ID… -o packet.zip',
    load: async () => (await import('./export-command')).exportCommand,
  },
  audit: {
    summary: 'audit log: export [--since ISO] [--format ocsf|jsonl] [-o FILE] | verify [--key PEM] | checkpoint',
    load: async () => (await import('./audit-command')).auditCommand,
  },
  keys: {
    summary: "show the gateway's signing key fingerprint and public key",
    load: async () => (await import('./keys-command')).keysCommand,
  },
};

const USAGE = `Usage: vigil <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Commands that read state take --config FILE (default ./vigil.yaml) or --data-dir DIR.
`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out('vigil 0.1.0\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`vigil: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`vigil ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return 2;
    }
    io.err(`vigil ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}
