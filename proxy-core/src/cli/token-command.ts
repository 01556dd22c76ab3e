import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirs } from '../gateway';
import { createDevIssuer } from '../identity/dev-issuer';
import { type CliIo, UsageError } from './cli-io';
import { parse, resolveState, STATE_OPTIONS } from './state-options';

/** `vigil token --dev --sub NAME --groups a,b [--ttl 1h]`: a token from the development issuer only. */
export async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(
    args,
    {
      ...STATE_OPTIONS,
      dev: { type: 'boolean' },
      sub: { type: 'string' },
      groups: { type: 'string' },
      ttl: { type: 'string' },
    },
    false,
  );
  if (!values.dev)
    throw new UsageError('only development tokens can be minted here (--dev); agents get real tokens from your IdP');
  if (!values.sub) throw new UsageError('--sub NAME is required');
  const { dataDir } = resolveState(values, io);
  const keys = dataDirs(dataDir).keys;
  const infoFile = join(keys, 'dev-issuer.json');
  if (!existsSync(infoFile))
    throw new UsageError(
      `no development issuer in ${dataDir}: start \`vigil serve --demo\` (or a config with auth.issuer: dev) there first`,
    );
  const info = JSON.parse(readFileSync(infoFile, 'utf8')) as { issuerUrl: string; audience: string };
  const issuer = createDevIssuer({ keysDir: keys, issuerUrl: info.issuerUrl, audience: info.audience });
  const groups = (values.groups ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const token = await issuer.mint({ sub: values.sub, groups, ttlSec: parseDuration(values.ttl ?? '1h') });
  io.out(`${token}\n`);
  return 0;
}

/** `90s`, `15m`, `8h`, `2d` → seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UsageError(`invalid duration "${text}" (expected e.g. 90s, 15m, 8h, 2d)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
