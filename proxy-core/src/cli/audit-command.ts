import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { publicKeyFromPem } from '@vigil/recordings';
import { writeAuditCheckpoint } from '../audit/audit-checkpoint';
import { type AuditExportFormat, auditExportLines, sessionProtocols } from '../audit/audit-export';
import { checkAuditLog } from '../audit/audit-log-check';
import { vigilVersion } from '../evidence/tool-version';
import { silentLogger } from '../logger';
import { loadOrCreateSigningKey, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from '../recording/signing-key';
import { openSqliteStore } from '../store/sqlite-store';
import type { Store } from '../store/store.types';
import { type CliIo, UsageError } from './cli-io';
import { parse, resolveState, STATE_OPTIONS } from './state-options';

const USAGE = `usage: vigil audit export [--since ISO] [--format ocsf|jsonl] [-o FILE]
       vigil audit verify [--key public-key.pem] [--json]
       vigil audit checkpoint
(each takes --config FILE or --data-dir DIR)`;

/** `vigil audit export|verify|checkpoint`: the audit log out as OCSF or JSONL, its whole chain checked, a signed checkpoint. */
export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'export':
      return exportAudit(rest, io);
    case 'verify':
      return verifyAudit(rest, io);
    case 'checkpoint':
      return checkpoint(rest, io);
    default:
      throw new UsageError(USAGE);
  }
}

async function exportAudit(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(
    args,
    { ...STATE_OPTIONS, since: { type: 'string' }, format: { type: 'string' }, output: { type: 'string', short: 'o' } },
    false,
  );
  const format = (values.format ?? 'ocsf') as AuditExportFormat;
  if (format !== 'ocsf' && format !== 'jsonl') throw new UsageError('--format must be ocsf or jsonl');
  let since: string | undefined;
  if (values.since !== undefined) {
    const ms = Date.parse(values.since);
    if (Number.isNaN(ms))
      throw new UsageError(`--since ${values.since} is not a date (use ISO 8601, e.g. 2025-01-02T00:00:00Z)`);
    since = new Date(ms).toISOString();
  }
  return withStore(values, io, async (store) => {
    const lines = auditExportLines(store, {
      format,
      ...(since ? { since } : {}),
      ocsf: { productVersion: vigilVersion(), protocolOf: sessionProtocols(store) },
    });
    if (!values.output) {
      for await (const text of lines) io.out(text);
      return 0;
    }
    const file = createWriteStream(resolve(io.cwd, values.output), { mode: 0o600 });
    for await (const text of lines)
      if (!file.write(text)) await new Promise<void>((r) => file.once('drain', () => r()));
    file.end();
    await finished(file);
    return 0;
  });
}

async function verifyAudit(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { ...STATE_OPTIONS, key: { type: 'string' }, json: { type: 'boolean' } }, false);
  return withStore(values, io, async (store, dataDir) => {
    const pem = values.key ? resolve(io.cwd, values.key) : join(dataDir, 'keys', PUBLIC_KEY_FILE);
    const trustedKey = existsSync(pem) ? publicKeyFromPem(readFileSync(pem, 'utf8')) : undefined;
    const result = checkAuditLog(store, trustedKey ? { trustedKey } : {});
    if (values.json) io.out(`${JSON.stringify(result)}\n`);
    else if (result.ok) {
      io.out(
        `audit log intact: ${result.checked} events, ${result.checkpoints} signed checkpoint(s)${trustedKey ? '' : ' (no gateway key to pin)'}; head seq ${result.head.seq} ${result.head.hash}\n`,
      );
    } else {
      io.out(`audit log NOT intact: first bad event is seq ${result.firstBadSeq}: ${result.problem}\n`);
      io.out(
        `  ${result.checked} events before it verified; last good head seq ${result.head.seq} ${result.head.hash}\n`,
      );
    }
    return result.ok ? 0 : 1;
  });
}

async function checkpoint(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { ...STATE_OPTIONS }, false);
  return withStore(values, io, async (store, dataDir) => {
    const keys = join(dataDir, 'keys');
    if (!existsSync(join(keys, PRIVATE_KEY_FILE)))
      throw new UsageError(`no signing key in ${keys}: it is created when the gateway first starts`);
    const event = writeAuditCheckpoint(store, loadOrCreateSigningKey(keys));
    io.out(
      event
        ? `checkpoint seq ${event.seq}: signed head ${JSON.stringify(event.data)}\n`
        : 'audit log is empty: nothing to sign\n',
    );
    return 0;
  });
}

async function withStore(
  values: { config?: string | undefined; 'data-dir'?: string | undefined },
  io: CliIo,
  fn: (store: Store, dataDir: string) => Promise<number>,
): Promise<number> {
  const { dataDir } = resolveState(values, io);
  const dbPath = join(dataDir, 'vigil.db');
  if (!existsSync(dbPath)) throw new UsageError(`no Vigil state in ${dataDir} (no vigil.db)`);
  const store = openSqliteStore({ path: dbPath, logger: silentLogger });
  try {
    return await fn(store, dataDir);
  } finally {
    store.close();
  }
}
