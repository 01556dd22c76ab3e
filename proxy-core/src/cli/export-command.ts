import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { buildEvidencePacket, EvidenceError } from '../evidence/build-evidence-packet';
import { vigilVersion } from '../evidence/tool-version';
import { silentLogger } from '../logger';
import { loadOrCreateSigningKey, PRIVATE_KEY_FILE } from '../recording/signing-key';
import { openSqliteStore } from '../store/sqlite-store';
import { type CliIo, UsageError } from './cli-io';
import { parse, resolveState, STATE_OPTIONS } from './state-options';

/**
 * `vigil export SESSION_ID… -o packet.zip [--creator NAME]`: a signed evidence packet of the sessions, made
 * from the gateway's store and recordings (DESIGN.md "Evidence packet"). The export is audited.
 */
export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    ...STATE_OPTIONS,
    output: { type: 'string', short: 'o' },
    creator: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length === 0 || !values.output)
    throw new UsageError('usage: vigil export SESSION_ID… -o packet.zip [--config FILE | --data-dir DIR]');
  const { dataDir } = resolveState(values, io);
  const dbPath = join(dataDir, 'vigil.db');
  if (!existsSync(dbPath)) throw new UsageError(`no Vigil state in ${dataDir} (no vigil.db)`);
  const keys = join(dataDir, 'keys'); // as gateway.ts dataDirs() lays it out (not imported: it loads the whole gateway)
  if (!existsSync(join(keys, PRIVATE_KEY_FILE)))
    throw new UsageError(`no signing key in ${keys}: it is created when the gateway first starts`);
  const signingKey = loadOrCreateSigningKey(keys);
  const out = resolve(io.cwd, values.output);
  const creator = values.creator ?? `${safeUser()}@${hostname()}`;
  const store = openSqliteStore({ path: dbPath, logger: silentLogger });
  try {
    const result = await buildEvidencePacket({
      store,
      sessionIds: positionals,
      signingKey,
      creator: { principal: creator, via: 'cli' },
      toolVersion: vigilVersion(),
      out,
    });
    const m = result.manifest;
    if (values.json) {
      io.out(
        `${JSON.stringify({ path: out, packetId: result.packetId, size: result.size, sessions: m.sessions.map((s) => s.id), keyFingerprint: m.signing.fingerprint })}\n`,
      );
    } else {
      io.out(`wrote ${values.output} (${result.size} bytes): evidence packet ${result.packetId}\n`);
      for (const s of m.sessions)
        io.out(`  session ${s.id}  ${s.protocol}  ${s.principal} → ${s.connection}  final hash ${s.finalHash}\n`);
      io.out(`  audit seq ${m.audit.fromSeq}–${m.audit.toSeq} (${m.audit.events} events), head ${m.audit.headHash}\n`);
      io.out(
        `  signed by ${m.signing.fingerprint}; check it with: vigil verify ${values.output} --key <gateway public key>\n`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof EvidenceError) {
      io.err(`vigil export: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    store.close();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown'; // no passwd entry (containers): the host name still says where it came from
  }
}
