import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fingerprint, publicKeyFromPem, verifyRecording } from '@vigil/recordings';
import { verifyPacketFile } from '../evidence/verify-packet-file';
import { openFileByteSource } from '../recording/file-byte-source';
import { PUBLIC_KEY_FILE } from '../recording/signing-key';
import { type CliIo, UsageError } from './cli-io';
import { parse, resolveState, STATE_OPTIONS } from './state-options';

type TrustedKey = { key: Uint8Array; fingerprint: string } | undefined;

/**
 * `vigil verify FILE.vrec|packet.zip… [--key public-key.pem]`: a recording's header, chunk chain, seal and
 * signature; a packet's manifest signature, every file's hash, missing and extra files, each recording and the
 * audit chain range. One line per check; exit 0 only when all pass.
 */
export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { ...STATE_OPTIONS, key: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length === 0) throw new UsageError('usage: vigil verify FILE.vrec|packet.zip [--key public-key.pem]');
  const publicKey = trustedKey(values, io);
  let allOk = true;
  for (const file of positionals) {
    const path = resolve(io.cwd, file);
    if (!existsSync(path)) throw new UsageError(`no such file: ${file}`);
    const ok = isZip(path)
      ? await verifyPacket(file, path, publicKey, values.json === true, io)
      : await verifyVrec(file, path, publicKey, values.json === true, io);
    allOk &&= ok;
  }
  return allOk ? 0 : 1;
}

async function verifyVrec(
  file: string,
  path: string,
  publicKey: TrustedKey,
  json: boolean,
  io: CliIo,
): Promise<boolean> {
  const source = await openFileByteSource(path);
  try {
    const result = await verifyRecording(source, publicKey ? { publicKey: publicKey.key } : {});
    if (json) {
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
    return result.ok;
  } finally {
    await source.close();
  }
}

async function verifyPacket(
  file: string,
  path: string,
  publicKey: TrustedKey,
  json: boolean,
  io: CliIo,
): Promise<boolean> {
  const result = await verifyPacketFile(path, publicKey ? { trustedKey: publicKey.key } : {});
  if (json) {
    io.out(
      `${JSON.stringify({ file, ok: result.ok, keyFingerprint: result.keyFingerprint, pinned: result.pinned, packetId: result.manifest?.packetId, checks: result.checks })}\n`,
    );
    return result.ok;
  }
  io.out(`${file} (evidence packet${result.manifest ? ` ${result.manifest.packetId}` : ''})\n`);
  for (const c of result.checks) io.out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
  if (!result.pinned && result.keyFingerprint) {
    io.out(
      `  note: signed with the packet's own key ${result.keyFingerprint}; pass --key (or --data-dir) to prove it is the gateway's\n`,
    );
  }
  const failed = result.checks.filter((c) => !c.ok).length;
  io.out(`  ${result.ok ? 'INTACT' : `NOT INTACT (${failed} of ${result.checks.length} checks failed)`}\n`);
  return result.ok;
}

/** By content, not name: a packet renamed to .bin is still checked as a packet. */
function isZip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    const n = readSync(fd, magic, 0, 4, 0);
    return n === 4
      ? magic.readUInt32LE(0) === 0x04034b50 || magic.readUInt32LE(0) === 0x06054b50
      : path.endsWith('.zip');
  } finally {
    closeSync(fd);
  }
}

/** The gateway public key to pin: --key, else the key in the data dir when one is known. */
function trustedKey(
  values: { key?: string | undefined; config?: string | undefined; 'data-dir'?: string | undefined },
  io: CliIo,
): TrustedKey {
  if (values.key) {
    const key = publicKeyFromPem(readFileSync(resolve(io.cwd, values.key), 'utf8'));
    return { key, fingerprint: fingerprint(key) };
  }
  if (values.config === undefined && values['data-dir'] === undefined && !existsSync(resolve(io.cwd, 'vigil.yaml')))
    return undefined;
  const { dataDir } = resolveState(values, io);
  const pem = join(dataDir, 'keys', PUBLIC_KEY_FILE); // as gateway.ts dataDirs() lays it out
  if (!existsSync(pem)) return undefined;
  const key = publicKeyFromPem(readFileSync(pem, 'utf8'));
  return { key, fingerprint: fingerprint(key) };
}
