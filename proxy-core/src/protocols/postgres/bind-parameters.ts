import { BufferReader, parseBind } from './codec';
import { binaryValueText } from './codec/binary-values';

/** At most this many parameters, and characters of each, are shown to approvers. */
const MAX_PARAMETERS = 100;
const MAX_CHARS = 1000;
/** The values of several runs shown together stay within this many characters (the first run is always shown). */
const MAX_RUNS_CHARS = 64 * 1024;

/**
 * A Bind's parameter values as approvers read them: a text-format value as its text, a binary one as PostgreSQL
 * would print it when its Parse named a type Vigil reads (`paramTypes`), else as `\x…` hex (as PostgreSQL shows
 * bytea); SQL NULL as null. Long values and long lists are cut, and say so.
 */
export function bindParameterTexts(payload: Uint8Array, paramTypes: readonly number[] = []): Array<string | null> {
  let bind: ReturnType<typeof parseBind>;
  try {
    bind = parseBind(new BufferReader(payload));
  } catch (err) {
    // The server refuses such a Bind too; the approver is told rather than shown nothing.
    return [`(the parameters could not be read: ${err instanceof Error ? err.message : String(err)})`];
  }
  const { params, paramFormats } = bind;
  const shown = params.slice(0, MAX_PARAMETERS).map((value, i) => {
    if (value === null) return null;
    const binary = (paramFormats.length === 1 ? paramFormats[0] : paramFormats[i]) === 1;
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.length);
    const text = binary ? binaryValueText(paramTypes[i] ?? 0, value) : bytes.toString('utf8');
    if (text !== undefined)
      return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}… (${value.length} bytes)` : text;
    const hex = `\\x${bytes.subarray(0, MAX_CHARS / 2).toString('hex')}`;
    return value.length * 2 + 2 > hex.length ? `${hex}… (${value.length} bytes)` : hex;
  });
  if (params.length > MAX_PARAMETERS) shown.push(`(${params.length - MAX_PARAMETERS} more parameters not shown)`);
  return shown;
}

/**
 * The values of several Binds of one statement (a batch the client sent at once), as many runs as fit in
 * MAX_RUNS_CHARS and at least the first: an approval covers exactly the runs it shows.
 */
export function bindRuns(payloads: readonly Uint8Array[], paramTypes?: readonly number[]): Array<Array<string | null>> {
  const runs: Array<Array<string | null>> = [];
  let chars = 0;
  for (const payload of payloads) {
    const run = bindParameterTexts(payload, paramTypes);
    chars += run.reduce((n, v) => n + (v?.length ?? 4), 0);
    if (runs.length > 0 && chars > MAX_RUNS_CHARS) break;
    runs.push(run);
  }
  return runs;
}
