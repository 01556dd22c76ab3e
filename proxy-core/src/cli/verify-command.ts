import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fingerprint, publicKeyFromPem, verifyRecording } from '@vigil/recordings';
import { dataDirs } from '../gateway';
import { openFileByteSource } from '../recording/file-byte-source';
import { PUBLIC_KEY_FILE } from '../recording/signing-key';
import { type CliIo, UsageError } from './cli-io';
import { parse, resolveState, STATE_OPTIONS } from './state-options';

/**
 * `vigil verify FILE.vrec [--key public-key.pem]`: checks the header, every chunk's hash chain and
 * decompression, the seal and its signature; one line per check; exit 0 only when all pass.
 */
export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { ...STATE_OPTIONS, key: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length === 0) throw new UsageError('usage: vigil verify FILE.vrec|packet.zip [--key public-key.pem]');
  const publicKey = trustedKey(values, io);
  let allOk = true;
  for (const file of positionals) {
    const path = resolve(io.cwd, file);
    if (!existsSync(path)) throw new UsageError(`no such file: ${file}`);
    if (path.endsWith('.zip'))
      throw new UsageError('evidence packets are verified by `vigil verify` once packet export exists; pass a .vrec');
    const source = await openFileByteSource(path);
    try {
      const result = await verifyRecording(source, publicKey ? { publicKey: publicKey.key } : {});
      if (values.json) {
        io.out(`${JSON.stringify({ file, ...result, header: result.header, checks: result.checks })}\n`);
      } else {
        io.out(`${file}\n`);
        for (const c of result.checks) io.out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
        if (!publicKey && result.seal)
          io.out(
            '  note: signature checked against the key embedded in the recording; pass --key or --data-dir to pin the gateway key\n',
          );
        io.out(
          `  ${result.ok ? 'INTACT' : 'NOT INTACT'}: ${result.frames} frames in ${result.chunks} chunks${result.interrupted ? ', interrupted' : ''}; final hash ${result.finalHash || '-'}\n`,
        );
      }
      allOk &&= result.ok;
    } finally {
      await source.close();
    }
  }
  return allOk ? 0 : 1;
}

/** The gateway public key to pin: --key, else the key in the data dir when one is known. */
function trustedKey(
  values: { key?: string | undefined; config?: string | undefined; 'data-dir'?: string | undefined },
  io: CliIo,
): { key: Uint8Array; fingerprint: string } | undefined {
  if (values.key) {
    const key = publicKeyFromPem(readFileSync(resolve(io.cwd, values.key), 'utf8'));
    return { key, fingerprint: fingerprint(key) };
  }
  if (values.config === undefined && values['data-dir'] === undefined && !existsSync(resolve(io.cwd, 'vigil.yaml')))
    return undefined;
  const { dataDir } = resolveState(values, io);
  const pem = join(dataDirs(dataDir).keys, PUBLIC_KEY_FILE);
  if (!existsSync(pem)) return undefined;
  const key = publicKeyFromPem(readFileSync(pem, 'utf8'));
  return { key, fingerprint: fingerprint(key) };
}
