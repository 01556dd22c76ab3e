/** What a command needs from the outside world: injected so commands are testable in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A usage or input error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
};

/**
 * Text an agent wrote (a held statement, its values), made safe to print on a person's terminal: control characters
 * (ESC starts sequences that move the cursor, erase lines or retitle the window) and the Unicode controls that
 * reorder text (bidi overrides, as in "Trojan Source") are shown as `\u001b`-style escapes, so what the approver reads
 * is what was sent.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

// C0 controls but tab and newline, DEL, C1 controls, and the bidi marks, embeddings, overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
