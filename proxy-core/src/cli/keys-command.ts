import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint, publicKeyFromPem } from '@vigil/recordings';
import { dataDirs } from '../gateway';
import { PUBLIC_KEY_FILE } from '../recording/signing-key';
import { type CliIo, UsageError } from './cli-io';
import { parse, resolveState, STATE_OPTIONS } from './state-options';

/** `vigil keys [--json]`: the gateway's recording/evidence signing key, as auditors need it. */
export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { ...STATE_OPTIONS, json: { type: 'boolean' } }, false);
  const { dataDir } = resolveState(values, io);
  const path = join(dataDirs(dataDir).keys, PUBLIC_KEY_FILE);
  if (!existsSync(path))
    throw new UsageError(`no signing key in ${dataDir} yet: it is created when the gateway first starts`);
  const pem = readFileSync(path, 'utf8');
  const fp = fingerprint(publicKeyFromPem(pem));
  if (values.json) io.out(`${JSON.stringify({ fingerprint: fp, publicKeyPem: pem, path })}\n`);
  else io.out(`Recording signing key (Ed25519)\n  fingerprint ${fp}\n  public key  ${path}\n\n${pem}`);
  return 0;
}
