/**
 * The startup packet's `options` parameter (libpq's PGOPTIONS): command-line switches for the server
 * process, such as `-c role=admin`. Passed on as they are, they would set what policy judges in a
 * statement (role, session authorization, …) before the first statement is read, so only settings
 * that change nothing policy looks at pass; anything else refuses the connection.
 * @see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-OPTIONS
 */
import { searchPathSchemas, shadowsBuiltins } from '../../policy/search-path';

/** Settings a client may give at startup; compared case-insensitively, as the server does. */
const PASSABLE = new Set(
  [
    'application_name',
    'search_path',
    'statement_timeout',
    'lock_timeout',
    'idle_in_transaction_session_timeout',
    'idle_session_timeout',
    'datestyle',
    'timezone',
    'intervalstyle',
    'extra_float_digits',
    'bytea_output',
    'default_transaction_isolation',
    'default_transaction_read_only',
    'work_mem',
    'jit',
  ].map((s) => s.toLowerCase()),
);

export type StartupOptions = { ok: true; settings: Array<[string, string]> } | { ok: false; reason: string };

/** Reads `options` as the server does (whitespace separates, a backslash takes the next character as is). */
export function parseStartupOptions(options: string): StartupOptions {
  const settings: Array<[string, string]> = [];
  const args = splitOptions(options);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    let setting: string | undefined;
    if (arg === '-c') setting = args[++i];
    else if (arg.startsWith('-c')) setting = arg.slice(2);
    else if (arg.startsWith('--')) setting = arg.slice(2);
    else return { ok: false, reason: `server switch ${arg} is not passed on` };
    if (setting === undefined) return { ok: false, reason: '-c without a setting' };
    const eq = setting.indexOf('=');
    if (eq <= 0) return { ok: false, reason: `setting ${setting} has no value` };
    const name = setting.slice(0, eq).replaceAll('-', '_');
    if (!PASSABLE.has(name.toLowerCase())) {
      return {
        ok: false,
        reason: `setting ${name} cannot be given at startup; set it with a statement, which policy judges`,
      };
    }
    const value = setting.slice(eq + 1);
    const problem = startupSettingProblem(name, value);
    if (problem) return { ok: false, reason: problem };
    settings.push([name, value]);
  }
  return { ok: true, settings };
}

/**
 * What is wrong with a setting given at startup (in `options` or as a startup parameter), or undefined.
 * A `search_path` that lists `pg_catalog` after another schema lets a function or operator there stand in
 * for the built-in of the same name, which policy takes the statement to call; without `pg_catalog` listed,
 * or with it first, built-ins always win.
 * @see https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-SEARCH-PATH
 */
export function startupSettingProblem(name: string, value: string): string | undefined {
  if (name.toLowerCase() !== 'search_path') return undefined;
  return shadowsBuiltins(searchPathSchemas(value))
    ? `search_path ${value} puts pg_catalog after another schema, where a function could stand in for a built-in`
    : undefined;
}

/**
 * The client's startup parameters as the upstream may get them — `options` rebuilt from its checked settings,
 * so the upstream reads exactly what was checked — or why the connection is refused.
 */
export function checkStartupParams(
  params: Readonly<Record<string, string>>,
): { ok: true; params: Record<string, string> } | { ok: false; reason: string } {
  const problem =
    params.search_path === undefined ? undefined : startupSettingProblem('search_path', params.search_path);
  if (problem) return { ok: false, reason: problem };
  const { options, ...rest } = params;
  if (options === undefined) return { ok: true, params: rest };
  const parsed = parseStartupOptions(options);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    params: parsed.settings.length > 0 ? { ...rest, options: formatStartupOptions(parsed.settings) } : rest,
  };
}

/** isspace() in the C locale, which the server splits on. */
const SPACE = /^[ \t\n\v\f\r]$/;

/** The settings as an `options` value of our own making: the upstream reads exactly what was checked. */
export function formatStartupOptions(settings: ReadonlyArray<[string, string]>): string {
  const quote = (s: string) => s.replace(/[\\ \t\n\v\f\r]/g, (c) => `\\${c}`);
  return settings.map(([name, value]) => `-c ${quote(name)}=${quote(value)}`).join(' ');
}

function splitOptions(options: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  for (let i = 0; i < options.length; i++) {
    const c = options[i] as string;
    if (c === '\\' && i + 1 < options.length) {
      current += options[++i];
      inArg = true;
    } else if (SPACE.test(c)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (inArg) args.push(current);
  return args;
}
