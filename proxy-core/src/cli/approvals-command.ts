import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApprovalBroker, ApprovalError } from '../approvals/approval-broker';
import { dataDirs } from '../gateway';
import { createDevIssuer } from '../identity/dev-issuer';
import type { Principal } from '../identity/identity.types';
import { createTokenVerifier } from '../identity/token-verifier';
import { silentLogger } from '../logger';
import { openSqliteStore } from '../store/sqlite-store';
import type { ApprovalRequest, Store } from '../store/store.types';
import { type CliIo, printable, UsageError } from './cli-io';
import { parse, resolveState, STATE_OPTIONS } from './state-options';

/**
 * `vigil approvals list [--all] [--json]`, `vigil approvals approve|deny ID [--reason R] --token TOKEN`:
 * headless decisions on held statements. The approver proves who they are with their OIDC token
 * (`--token` or VIGIL_TOKEN), verified like the gateway verifies it; the running gateway picks the
 * decision up from the store.
 */
export async function approvalsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    ...STATE_OPTIONS,
    all: { type: 'boolean' },
    json: { type: 'boolean' },
    reason: { type: 'string' },
    token: { type: 'string' },
  });
  const state = resolveState(values, io);
  const dbPath = join(state.dataDir, 'vigil.db');
  if (!existsSync(dbPath)) throw new UsageError(`no Vigil state in ${state.dataDir}`);
  const store = openSqliteStore({ path: dbPath, logger: silentLogger });
  try {
    switch (sub) {
      case 'list':
        return list(store, io, values.all ?? false, values.json ?? false);
      case 'approve':
      case 'deny': {
        const id = positionals[0];
        if (!id) throw new UsageError(`usage: vigil approvals ${sub} ID [--reason R] --token TOKEN`);
        const token = values.token ?? io.env.VIGIL_TOKEN;
        if (!token)
          throw new UsageError('an approver must prove who they are: pass --token TOKEN (or set VIGIL_TOKEN)');
        const principal = await verifyApprover(token, state, io);
        try {
          const updated = new ApprovalBroker({ store, logger: silentLogger }).decide(
            id,
            principal,
            sub,
            values.reason ?? '',
          );
          io.out(`${updated.id}: ${updated.status} (${updated.votes.length} of ${updated.requiredCount} votes)\n`);
          return 0;
        } catch (err) {
          if (err instanceof ApprovalError) {
            io.err(`vigil approvals: ${err.message}\n`);
            return 1;
          }
          throw err;
        }
      }
      default:
        throw new UsageError('usage: vigil approvals list|approve ID|deny ID');
    }
  } finally {
    store.close();
  }
}

function list(store: Store, io: CliIo, all: boolean, json: boolean): number {
  const approvals = store.listApprovals(all ? { limit: 200 } : { status: 'pending', limit: 200 });
  if (json) {
    io.out(`${JSON.stringify(approvals, null, 2)}\n`);
    return 0;
  }
  if (approvals.length === 0) io.out(all ? 'no approval requests\n' : 'no pending approval requests\n');
  for (const a of approvals) io.out(formatApproval(a));
  return 0;
}

function formatApproval(a: ApprovalRequest): string {
  const text = printable(a.statement.replace(/\s+/g, ' ').slice(0, 160));
  const runs = a.runs.slice(0, 5).map((run) => `    ${printable(runValues(run).slice(0, 300))}\n`);
  if (a.runs.length > 5) runs.push(`    … ${a.runs.length - 5} more runs (vigil approvals list --json shows them)\n`);
  const times = a.runs.length > 1 ? ` × ${a.runs.length} runs` : '';
  return `${a.id}  ${a.status.padEnd(9)} ${printable(a.principal)} on ${a.connection} (rule ${a.rule}, ${a.votes.length}/${a.requiredCount}, expires ${a.expiresAt})\n    ${text}${times}\n${runs.join('')}`;
}

/** `$1 = 'it''s', $2 = NULL`: a run's values as SQL literals. */
function runValues(run: ReadonlyArray<string | null>): string {
  return run.map((v, i) => `$${i + 1} = ${v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`}`).join(', ');
}

async function verifyApprover(token: string, state: ReturnType<typeof resolveState>, io: CliIo): Promise<Principal> {
  const keys = dataDirs(state.dataDir).keys;
  const devInfo = join(keys, 'dev-issuer.json');
  const auth = state.config?.auth;
  let verifier: ReturnType<typeof createTokenVerifier>;
  if ((auth === undefined || auth.issuer === 'dev') && existsSync(devInfo)) {
    const info = JSON.parse(readFileSync(devInfo, 'utf8')) as { issuerUrl: string; audience: string };
    const dev = createDevIssuer({ keysDir: keys, issuerUrl: info.issuerUrl, audience: info.audience });
    const roles = auth?.roles ?? {
      admin: ['vigil-admins'],
      approver: ['dba', 'vigil-admins'],
      auditor: ['security'],
      agent: ['ai-agents'],
    };
    verifier = createTokenVerifier({
      issuer: dev.issuerUrl,
      audience: info.audience,
      groupsClaim: auth?.groupsClaim ?? 'groups',
      roles,
      jwks: dev.jwks,
      logger: silentLogger,
    });
  } else if (auth) {
    verifier = createTokenVerifier({
      issuer: auth.issuer,
      audience: auth.audience,
      groupsClaim: auth.groupsClaim,
      roles: auth.roles,
      logger: silentLogger,
      allowInsecureHttp: /^http:\/\/(127\.|localhost)/.test(auth.issuer),
    });
  } else {
    throw new UsageError(`cannot verify the token: no config and no development issuer in ${state.dataDir}`);
  }
  void io;
  return verifier.verify(token);
}
