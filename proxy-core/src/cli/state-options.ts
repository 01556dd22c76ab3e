import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { loadConfigFile, type VigilConfig } from '../config/config';
import { type CliIo, UsageError } from './cli-io';

/** Options every state-reading command takes (DESIGN.md, CLI contract). */
export const STATE_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Where the state lives: --data-dir wins; else the config file's dataDir (--config, default
 * ./vigil.yaml). The config is loaded only when it exists or was named.
 */
export function resolveState(
  values: { config?: string | undefined; 'data-dir'?: string | undefined },
  io: CliIo,
): { dataDir: string; config?: VigilConfig } {
  const configPath = resolve(io.cwd, values.config ?? 'vigil.yaml');
  const config = values.config !== undefined || existsSync(configPath) ? loadConfigFile(configPath) : undefined;
  if (values['data-dir'] !== undefined)
    return { dataDir: resolve(io.cwd, values['data-dir']), ...(config ? { config } : {}) };
  if (config) return { dataDir: config.dataDir, config };
  throw new UsageError(
    `no ${values.config ?? 'vigil.yaml'} here: pass --config FILE or --data-dir DIR (the demo keeps its state in .vigil-demo)`,
  );
}
